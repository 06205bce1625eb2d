/* SPLIT, SPLIT_V and UNPACK, byte-wise: int8, int16, int32, float32. */
#include <stddef.h>
#include <string.h>

#include "split/tb_split.h"

tb_status_t tb_split_x8(const tb_split_params_t *params, const void *input)
{
    if (params == NULL || input == NULL || params->count < 1 || params->count > TB_SPLIT_MAX_OUTPUTS ||
        params->outer < 0) {
        return TB_ERR_ARG;
    }
    uint8_t *cursor[TB_SPLIT_MAX_OUTPUTS];
    for (int32_t k = 0; k < params->count; k++) {
        if (params->outputs[k] == NULL || params->bytes[k] < 0) {
            return TB_ERR_ARG;
        }
        cursor[k] = (uint8_t *)params->outputs[k];
    }
    const uint8_t *in = (const uint8_t *)input;
    for (int32_t row = 0; row < params->outer; row++) {
        for (int32_t k = 0; k < params->count; k++) {
            const size_t bytes = (size_t)params->bytes[k];
            memcpy(cursor[k], in, bytes);
            cursor[k] += bytes;
            in += bytes;
        }
    }
    return TB_OK;
}
