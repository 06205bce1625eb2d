/* int8 SOFTMAX, matching TFLM's reference kernel bit for bit (no lookup table):
 * gemmlowp's exp_on_negative_values on Q5.26 differences, a Q12.19 sum, and a fixed-point
 * reciprocal of that sum. */
#include <stddef.h>

#include "activations/tb_fixedpoint_math.h"
#include "common/tb_requant.h"
#include "softmax/tb_softmax.h"

enum {
    TB_SOFTMAX_DIFF_INTEGER_BITS = 5,
    TB_SOFTMAX_ACCUMULATION_INTEGER_BITS = 12,
};

static int32_t tb_count_leading_zeros_u32(uint32_t x)
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

/* Q0 value of 2^k / x for a positive Q12 x, with k returned in num_bits_over_unit. */
static int32_t tb_softmax_reciprocal(int32_t x, int32_t *num_bits_over_unit)
{
    const int32_t headroom_plus_one = tb_count_leading_zeros_u32((uint32_t)x);
    *num_bits_over_unit = TB_SOFTMAX_ACCUMULATION_INTEGER_BITS - headroom_plus_one;
    const int32_t shifted_sum_minus_one = (int32_t)(((uint32_t)x << headroom_plus_one) - (1u << 31));
    return tb_fp_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

/* exp(diff * beta * input scale) in Q0, for a difference that passed the diff_min test. */
static int32_t tb_softmax_exp(const tb_softmax_params_t *params, int32_t diff)
{
    const int32_t scaled = tb_multiply_by_quantized_multiplier(diff, params->input_quant.multiplier,
                                                               params->input_quant.shift);
    return tb_fp_exp_on_negative_values(scaled, TB_SOFTMAX_DIFF_INTEGER_BITS);
}

tb_status_t tb_softmax_s8(const tb_softmax_params_t *params,
                          int32_t outer_size,
                          int32_t depth,
                          const int8_t *input,
                          int8_t *output)
{
    if (params == NULL || input == NULL || output == NULL || outer_size < 0 || depth < 1) {
        return TB_ERR_ARG;
    }
    if (params->input_quant.shift < 0 || params->input_quant.shift > 31 || params->diff_min > 0) {
        return TB_ERR_ARG;
    }
    for (int32_t row = 0; row < outer_size; row++) {
        const int8_t *in = input + (size_t)row * (size_t)depth;
        int8_t *out = output + (size_t)row * (size_t)depth;

        int32_t max_in_row = -128;
        for (int32_t c = 0; c < depth; c++) {
            max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
        }

        int32_t sum_of_exps = 0; /* Q12.19 */
        for (int32_t c = 0; c < depth; c++) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff >= params->diff_min) {
                sum_of_exps = tb_fp_add(sum_of_exps, tb_fp_rescale(tb_softmax_exp(params, diff), 0,
                                                                   TB_SOFTMAX_ACCUMULATION_INTEGER_BITS));
            }
        }

        int32_t num_bits_over_unit;
        const int32_t shifted_scale = tb_softmax_reciprocal(sum_of_exps, &num_bits_over_unit);
        const int32_t exponent = num_bits_over_unit + 31 - 8;
        if (exponent < 0 || exponent > 31) {
            return TB_ERR_ARG; /* TFLM aborts here; only reachable with absurd depths */
        }

        for (int32_t c = 0; c < depth; c++) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff >= params->diff_min) {
                const int32_t exp_q0 = tb_softmax_exp(params, diff);
                const int32_t unsat = tb_rounding_divide_by_pot(tb_fp_mul(shifted_scale, exp_q0), exponent);
                out[c] = (int8_t)tb_clamp_s32(unsat - 128, -128, 127);
            } else {
                out[c] = -128;
            }
        }
    }
    return TB_OK;
}
