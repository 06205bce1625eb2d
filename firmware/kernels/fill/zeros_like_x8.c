/* ZEROS_LIKE, byte-wise: int8, int32, float32. */
#include <stddef.h>
#include <string.h>

#include "fill/tb_fill.h"

tb_status_t tb_zeros_like_x8(void *output, int32_t bytes)
{
    if (output == NULL || bytes < 0) {
        return TB_ERR_ARG;
    }
    memset(output, 0, (size_t)bytes);
    return TB_OK;
}
