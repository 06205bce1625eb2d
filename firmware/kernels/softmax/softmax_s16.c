/* SOFTMAX int16 -> int16 (zero points 0, output scale 1/32768), matching TFLM's reference
 * SoftmaxInt16 bit for bit: exp and 1/(1+x) from 513-entry tables (made by the generator the way
 * TFLM's Prepare makes them) read with 7-bit linear interpolation. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "softmax/tb_softmax.h"

/* TFLM's LUTLookup for int16: the top 9 bits index, the low 7 interpolate to the next entry. */
static int16_t tb_lut16_lookup(int16_t value, const int16_t *lut)
{
    const uint16_t index = (uint16_t)(256 + (value >> 7));
    const int16_t offset = (int16_t)(value & 0x7f);
    const int16_t base = lut[index];
    const int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
    const int32_t delta = ((int32_t)slope * (int32_t)offset + 64) >> 7;
    return (int16_t)(base + delta);
}

static int32_t tb_clz_u32(uint32_t x)
{
    int32_t count = 0;
    if (x == 0u) {
        return 32;
    }
    while ((x & 0x80000000u) == 0u) {
        x <<= 1;
        count++;
    }
    return count;
}

/* exp(input - max) in Q0.15: the difference scaled so that [-65535, 0] spans [-10, 0]. */
static int16_t tb_softmax_s16_exp(const tb_softmax_s16_params_t *params, int32_t diff)
{
    const int32_t scaled = tb_multiply_by_quantized_multiplier(diff, params->input_quant.multiplier,
                                                               params->input_quant.shift);
    const int32_t centred = tb_clamp_s32(scaled + 32767, -32768, 32767);
    return tb_lut16_lookup((int16_t)centred, params->exp_lut);
}

tb_status_t tb_softmax_s16(const tb_softmax_s16_params_t *params,
                           int32_t outer_size,
                           int32_t depth,
                           const int16_t *input,
                           int16_t *output)
{
    if (params == NULL || input == NULL || output == NULL || outer_size < 0 || depth < 1 ||
        params->exp_lut == NULL || params->one_over_one_plus_x_lut == NULL) {
        return TB_ERR_ARG;
    }
    if (params->input_quant.shift < -31 || params->input_quant.shift > 31) {
        return TB_ERR_ARG;
    }
    for (int32_t row = 0; row < outer_size; row++) {
        const int16_t *in = input + (size_t)row * (size_t)depth;
        int16_t *out = output + (size_t)row * (size_t)depth;

        int32_t max_in_row = -32768;
        for (int32_t c = 0; c < depth; c++) {
            max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
        }
        /* The exponentials wait in the output row (as TFLM does); their sum is Q16.15. */
        int32_t sum_of_exps = 0;
        for (int32_t c = 0; c < depth; c++) {
            out[c] = tb_softmax_s16_exp(params, (int32_t)in[c] - max_in_row);
            sum_of_exps += out[c];
        }
        /* 1/sum: normalise the sum to [1, 2), recentre (sum - 1) to the table's int16 domain. */
        const int32_t headroom_plus_one = tb_clz_u32((uint32_t)sum_of_exps);
        if (headroom_plus_one < 1 || headroom_plus_one > 30) {
            return TB_ERR_ARG; /* a sum of 0 or over 2^30: not reachable from int16 rows TFLM runs */
        }
        const int32_t shifted_sum =
            (int32_t)((((int64_t)sum_of_exps << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
        const int32_t centred = tb_clamp_s32(shifted_sum - ((1 << 15) + (1 << 16)), -32768, 32767);
        const int16_t reciprocal = tb_lut16_lookup((int16_t)centred, params->one_over_one_plus_x_lut);

        const int32_t right_shift = 31 - headroom_plus_one;
        const int64_t round = (int64_t)1 << (right_shift - 1);
        for (int32_t c = 0; c < depth; c++) {
            const int32_t result = (int32_t)(((int64_t)out[c] * (int64_t)reciprocal + round) >> right_shift);
            out[c] = (int16_t)tb_clamp_s32(result, 0, 32767);
        }
    }
    return TB_OK;
}
