/* int16 MEAN, matching TFLM's reference QuantizedMeanOrSum: an exact int32 sum per output,
 * minus zero point x count, rescaled by a multiplier already divided by count. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "reduce/reduce_common.h"
#include "reduce/tb_reduce.h"

tb_status_t tb_mean_s16(const tb_mean_params_t *params,
                       const tb_reduce_shape_t *shape,
                       const int16_t *input,
                       int16_t *output)
{
    if (params == NULL || shape == NULL || input == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (!tb_rescaled_sum_args_valid(params, shape)) {
        return TB_ERR_ARG;
    }
    const int32_t outputs = tb_reduce_product(shape->outer_dims);
    for (int32_t o = 0; o < outputs; o++) {
        const int16_t *base = input + tb_reduce_offset(o, shape->outer_dims, shape->outer_strides);
        int32_t sum;
        TB_REDUCE_SHIFTED_SUM(sum, base, shape, params);
        int32_t value = tb_multiply_by_quantized_multiplier(sum, params->quant.multiplier, params->quant.shift);
        value += params->output_zero_point;
        output[o] = (int16_t)tb_clamp_s32(value, -32768, 32767);
    }
    return TB_OK;
}
