/* float32 CONV_2D in the summation order of TFLM's reference kernel. */
#include <stddef.h>

#include "conv2d/conv2d_common.h"
#include "conv2d/conv2d_f32_rows.h"
#include "conv2d/tb_conv2d.h"

tb_status_t tb_conv2d_f32(const tb_conv_f32_params_t *params,
                          const tb_dims_t *input_dims,
                          const float *input,
                          const tb_dims_t *filter_dims,
                          const float *filter,
                          const tb_dims_t *bias_dims,
                          const float *bias,
                          const tb_dims_t *output_dims,
                          float *output)
{
    if (params == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status =
        tb_conv2d_check_shapes(&params->stride, &params->padding, &params->dilation, input_dims,
                               filter_dims, bias_dims, bias != NULL, output_dims);
    if (status != TB_OK) {
        return status;
    }
    if (!(params->activation.min <= params->activation.max)) {
        return TB_ERR_ARG;
    }
    const size_t batch_floats = (size_t)output_dims->h * (size_t)output_dims->w * (size_t)output_dims->c;
    for (int32_t b = 0; b < output_dims->n; b++) {
        tb_conv2d_f32_rows(params, input_dims, input, filter_dims, filter, bias, output_dims, b, 0,
                           output_dims->h, output + (size_t)b * batch_floats);
    }
    return TB_OK;
}
