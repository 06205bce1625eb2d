/* STRIDED_SLICE for 8-bit elements (int8, bool): a pure data movement. */
#include <stddef.h>

#include "strided_slice/tb_strided_slice.h"

TB_DEFINE_STRIDED_COPY(tb_strided_slice_copy_x8, uint8_t)

tb_status_t tb_strided_slice_x8(const tb_strided_slice_params_t *params, const void *input, void *output)
{
    if (params == NULL || input == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    for (int32_t axis = 0; axis < TB_COPY_DIMS; axis++) {
        if (params->count[axis] < 0) {
            return TB_ERR_ARG;
        }
    }
    tb_strided_slice_copy_x8(params, (const uint8_t *)input, (uint8_t *)output);
    return TB_OK;
}
