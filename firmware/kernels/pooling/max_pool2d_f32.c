/* float32 MAX_POOL_2D as TFLM's reference kernel computes it. */
#include <stddef.h>

#include "pooling/max_pool2d_f32_row.h"
#include "pooling/pooling_common.h"
#include "pooling/tb_pooling.h"

tb_status_t tb_max_pool2d_f32(const tb_pool_f32_params_t *params,
                              const tb_dims_t *input_dims,
                              const float *input,
                              const tb_dims_t *output_dims,
                              float *output)
{
    if (params == NULL || input_dims == NULL || input == NULL || output_dims == NULL ||
        output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status = tb_pool_check_shapes(&params->stride, &params->padding,
                                                    &params->filter, input_dims, output_dims);
    if (status != TB_OK) {
        return status;
    }
    if (!(params->activation.min <= params->activation.max)) {
        return TB_ERR_ARG;
    }

    const int32_t in_h = input_dims->h, in_w = input_dims->w, depth = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    const size_t in_row = (size_t)in_w * (size_t)depth, out_row = (size_t)out_w * (size_t)depth;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const float *batch = input + (size_t)b * (size_t)in_h * in_row;
        for (int32_t oy = 0; oy < out_h; oy++) {
            tb_max_pool2d_f32_row(params, in_h, in_w, depth, batch, 0, oy, out_w,
                                  output + ((size_t)b * (size_t)out_h + (size_t)oy) * out_row);
        }
    }
    return TB_OK;
}
