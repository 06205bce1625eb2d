/* FILL for 8-bit elements (int8). */
#include <stddef.h>
#include <string.h>

#include "fill/tb_fill.h"

tb_status_t tb_fill_x8(const void *value, void *output, int32_t count)
{
    if (value == NULL || output == NULL || count < 0) {
        return TB_ERR_ARG;
    }
    memset(output, *(const uint8_t *)value, (size_t)count);
    return TB_OK;
}
