/* tb_lut_s8 (tb_lut_s8.h): four elements per word read and written (unaligned word accesses are
 * allowed on the Cortex-M4; the host build reads them with memcpy). */
#include <stddef.h>
#include <string.h>

#include "activations/tb_lut_s8.h"

tb_status_t tb_lut_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output)
{
    if (table == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    const int8_t *centre = table + 128;
    int32_t i = 0;
    for (; i + 4 <= size; i += 4) {
        uint32_t in;
        memcpy(&in, input + i, sizeof in);
        const uint32_t out = (uint32_t)(uint8_t)centre[(int8_t)in] | (uint32_t)(uint8_t)centre[(int8_t)(in >> 8)] << 8 |
                             (uint32_t)(uint8_t)centre[(int8_t)(in >> 16)] << 16 |
                             (uint32_t)(uint8_t)centre[(int8_t)(in >> 24)] << 24;
        memcpy(output + i, &out, sizeof out);
    }
    for (; i < size; i++) {
        output[i] = centre[input[i]];
    }
    return TB_OK;
}
