/* TRANSPOSE for 8-bit elements (int8, uint8, bool): a pure data movement. */
#include <stddef.h>

#include "transpose/tb_transpose.h"

TB_DEFINE_STRIDED_COPY(tb_transpose_copy_x8, uint8_t)

tb_status_t tb_transpose_x8(const tb_transpose_params_t *params, const void *input, void *output)
{
    if (params == NULL || input == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    for (int32_t axis = 0; axis < TB_COPY_DIMS; axis++) {
        if (params->count[axis] < 0) {
            return TB_ERR_ARG;
        }
    }
    tb_transpose_copy_x8(params, (const uint8_t *)input, (uint8_t *)output);
    return TB_OK;
}
