/* 16x8 FULLY_CONNECTED with an int32 bias (or none with quantized_bias_type INT32): TFLM's 32-bit
 * accumulator (wrapping) and its 32-bit rescaling. */
#include "fully_connected/fully_connected_s16_common.h"

tb_status_t tb_fully_connected_s16_acc32(const tb_fc_params_t *params,
                                         const tb_per_channel_quant_t *quant,
                                         const tb_dims_t *input_dims,
                                         const int16_t *input,
                                         const tb_dims_t *filter_dims,
                                         const int8_t *filter,
                                         const tb_dims_t *bias_dims,
                                         const int32_t *bias,
                                         const tb_dims_t *output_dims,
                                         int16_t *output)
{
    return tb_fully_connected_s16_run(params, quant, input_dims, input, filter_dims, filter, bias_dims, NULL, bias,
                                      output_dims, output, 1);
}
