/* 16x8 CONV_2D with an int64 bias (or none): TFLM's 64-bit accumulator and rescaling. */
#include "conv2d/conv2d_s16_common.h"

tb_status_t tb_conv2d_s16(const tb_conv_params_t *params,
                          const tb_per_channel_quant_t *quant,
                          const tb_dims_t *input_dims,
                          const int16_t *input,
                          const tb_dims_t *filter_dims,
                          const int8_t *filter,
                          const tb_dims_t *bias_dims,
                          const int64_t *bias,
                          const tb_dims_t *output_dims,
                          int16_t *output)
{
    return tb_conv2d_s16_run(params, quant, input_dims, input, filter_dims, filter, bias_dims, bias, NULL,
                             output_dims, output, 0);
}
