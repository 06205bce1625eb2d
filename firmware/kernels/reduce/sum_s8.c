/* int8 SUM, matching TFLM's reference QuantizedMeanOrSum: an exact int32 sum per output,
 * minus zero point x count, rescaled by the input/output scale ratio (no division). */
#include <stddef.h>

#include "common/tb_requant.h"
#include "reduce/reduce_common.h"
#include "reduce/tb_reduce.h"

tb_status_t tb_sum_s8(const tb_mean_params_t *params,
                       const tb_reduce_shape_t *shape,
                       const int8_t *input,
                       int8_t *output)
{
    if (params == NULL || shape == NULL || input == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (!tb_rescaled_sum_args_valid(params, shape)) {
        return TB_ERR_ARG;
    }
    const int32_t outputs = tb_reduce_product(shape->outer_dims);
    for (int32_t o = 0; o < outputs; o++) {
        const int8_t *base = input + tb_reduce_offset(o, shape->outer_dims, shape->outer_strides);
        int32_t sum;
        TB_REDUCE_SHIFTED_SUM(sum, base, shape, params);
        int32_t value = tb_multiply_by_quantized_multiplier(sum, params->quant.multiplier, params->quant.shift);
        value += params->output_zero_point;
        output[o] = (int8_t)tb_clamp_s32(value, -128, 127);
    }
    return TB_OK;
}
