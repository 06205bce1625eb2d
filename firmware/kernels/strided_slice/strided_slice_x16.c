/* STRIDED_SLICE for 16-bit elements (int16): a pure data movement. */
#include <stddef.h>

#include "strided_slice/tb_strided_slice.h"

TB_DEFINE_STRIDED_COPY(tb_strided_slice_copy_x16, uint16_t)

tb_status_t tb_strided_slice_x16(const tb_strided_slice_params_t *params, const void *input, void *output)
{
    if (params == NULL || input == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    for (int32_t axis = 0; axis < TB_COPY_DIMS; axis++) {
        if (params->count[axis] < 0) {
            return TB_ERR_ARG;
        }
    }
    tb_strided_slice_copy_x16(params, (const uint16_t *)input, (uint16_t *)output);
    return TB_OK;
}
