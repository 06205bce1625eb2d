/* int8 MEAN, matching TFLM's reference QuantizedMeanOrSum: an exact int32 sum per output,
 * minus zero point x count, rescaled by a multiplier already divided by count. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "reduce/tb_reduce.h"

static int32_t tb_product(const int32_t *dims)
{
    int32_t product = 1;
    for (int32_t d = 0; d < TB_REDUCE_MAX_RANK; d++) {
        product *= dims[d];
    }
    return product;
}

/* Element offset of the index-th position (row-major) of a dims/strides space. */
static size_t tb_offset_of(int32_t index, const int32_t *dims, const int32_t *strides)
{
    size_t offset = 0;
    for (int32_t d = TB_REDUCE_MAX_RANK - 1; d >= 0; d--) {
        offset += (size_t)(index % dims[d]) * (size_t)strides[d];
        index /= dims[d];
    }
    return offset;
}

tb_status_t tb_mean_s8(const tb_mean_params_t *params,
                       const tb_reduce_shape_t *shape,
                       const int8_t *input,
                       int8_t *output)
{
    if (params == NULL || shape == NULL || input == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    for (int32_t d = 0; d < TB_REDUCE_MAX_RANK; d++) {
        if (shape->outer_dims[d] < 1 || shape->inner_dims[d] < 1 || shape->outer_strides[d] < 0 ||
            shape->inner_strides[d] < 0) {
            return TB_ERR_ARG;
        }
    }
    const int32_t outputs = tb_product(shape->outer_dims);
    const int32_t count = tb_product(shape->inner_dims);
    if (count != params->count || params->quant.shift < -31 || params->quant.shift > 31) {
        return TB_ERR_ARG;
    }
    for (int32_t o = 0; o < outputs; o++) {
        const int8_t *base = input + tb_offset_of(o, shape->outer_dims, shape->outer_strides);
        int32_t sum = 0;
        for (int32_t r = 0; r < count; r++) {
            sum += base[tb_offset_of(r, shape->inner_dims, shape->inner_strides)];
        }
        sum -= params->input_zero_point * count;
        int32_t value = tb_multiply_by_quantized_multiplier(sum, params->quant.multiplier, params->quant.shift);
        value += params->output_zero_point;
        output[o] = (int8_t)tb_clamp_s32(value, -128, 127);
    }
    return TB_OK;
}
