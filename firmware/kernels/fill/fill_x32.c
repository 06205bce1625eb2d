/* FILL for 32-bit elements (int32, float32): the value's bits, copied. */
#include <stddef.h>
#include <string.h>

#include "fill/tb_fill.h"

tb_status_t tb_fill_x32(const void *value, void *output, int32_t count)
{
    if (value == NULL || output == NULL || count < 0) {
        return TB_ERR_ARG;
    }
    uint32_t bits;
    memcpy(&bits, value, sizeof bits);
    uint32_t *out = (uint32_t *)output;
    for (int32_t i = 0; i < count; i++) {
        out[i] = bits;
    }
    return TB_OK;
}
