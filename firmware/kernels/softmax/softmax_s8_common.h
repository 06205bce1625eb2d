/* The arithmetic of TFLM's reference SOFTMAX for an int8 input, whatever the output type
 * (int8 or int16): gemmlowp's exp_on_negative_values on Q5.26 differences, a Q12.19 sum, and a
 * fixed-point reciprocal of that sum. Included by the int8-input SOFTMAX kernels only. */
#ifndef TB_SOFTMAX_S8_COMMON_H
#define TB_SOFTMAX_S8_COMMON_H

#include <stddef.h>

#include "activations/tb_fixedpoint_math.h"
#include "common/tb_requant.h"
#include "softmax/tb_softmax.h"

enum {
    TB_SOFTMAX_DIFF_INTEGER_BITS = 5,
    TB_SOFTMAX_ACCUMULATION_INTEGER_BITS = 12,
};

static inline int32_t tb_count_leading_zeros_u32(uint32_t x)
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
static inline int32_t tb_softmax_reciprocal(int32_t x, int32_t *num_bits_over_unit)
{
    const int32_t headroom_plus_one = tb_count_leading_zeros_u32((uint32_t)x);
    *num_bits_over_unit = TB_SOFTMAX_ACCUMULATION_INTEGER_BITS - headroom_plus_one;
    const int32_t shifted_sum_minus_one = (int32_t)(((uint32_t)x << headroom_plus_one) - (1u << 31));
    return tb_fp_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

/* exp(diff * beta * input scale) in Q0, for a difference that passed the diff_min test. */
static inline int32_t tb_softmax_exp(const tb_softmax_params_t *params, int32_t diff)
{
    const int32_t scaled = tb_multiply_by_quantized_multiplier(diff, params->input_quant.multiplier,
                                                               params->input_quant.shift);
    return tb_fp_exp_on_negative_values(scaled, TB_SOFTMAX_DIFF_INTEGER_BITS);
}

static inline int tb_softmax_params_valid(const tb_softmax_params_t *params)
{
    return params->input_quant.shift >= 0 && params->input_quant.shift <= 31 && params->diff_min <= 0;
}

/* One row's maximum and the reciprocal of its sum of exponentials; *exponent is the final
 * right shift for an output of output_bits bits. Returns 0 where TFLM would abort (an exponent
 * outside 0..31, only reachable with absurd depths). */
static inline int tb_softmax_s8_row_scale(const tb_softmax_params_t *params, const int8_t *in, int32_t depth,
                                          int32_t output_bits, int32_t *max_in_row, int32_t *shifted_scale,
                                          int32_t *exponent)
{
    int32_t max_value = -128;
    for (int32_t c = 0; c < depth; c++) {
        max_value = in[c] > max_value ? in[c] : max_value;
    }
    int32_t sum_of_exps = 0; /* Q12.19 */
    for (int32_t c = 0; c < depth; c++) {
        const int32_t diff = (int32_t)in[c] - max_value;
        if (diff >= params->diff_min) {
            sum_of_exps = tb_fp_add(sum_of_exps, tb_fp_rescale(tb_softmax_exp(params, diff), 0,
                                                               TB_SOFTMAX_ACCUMULATION_INTEGER_BITS));
        }
    }
    int32_t num_bits_over_unit;
    *shifted_scale = tb_softmax_reciprocal(sum_of_exps, &num_bits_over_unit);
    *exponent = num_bits_over_unit + 31 - output_bits;
    *max_in_row = max_value;
    return *exponent >= 0 && *exponent <= 31;
}

/* The output value before the output type's offset and clamp. */
static inline int32_t tb_softmax_s8_unsaturated(const tb_softmax_params_t *params, int32_t diff,
                                                int32_t shifted_scale, int32_t exponent)
{
    return tb_rounding_divide_by_pot(tb_fp_mul(shifted_scale, tb_softmax_exp(params, diff)), exponent);
}

/* tb_softmax_s8_row_scale from the generator's tables (softmax_s8_lut.c, softmax_s8_s16_lut.c):
 * sum_lut[d] is the Q12.19 term of a difference -d to the row maximum. */
static inline int tb_softmax_s8_lut_row_scale(const int32_t *sum_lut, const int8_t *in, int32_t depth,
                                              int32_t output_bits, int32_t *max_in_row, int32_t *shifted_scale,
                                              int32_t *exponent)
{
    int32_t max_value = -128;
    for (int32_t c = 0; c < depth; c++) {
        max_value = in[c] > max_value ? in[c] : max_value;
    }
    uint32_t sum_of_exps = 0u; /* Q12.19, wrapping as TFLM's int32 adds */
    for (int32_t c = 0; c < depth; c++) {
        sum_of_exps += (uint32_t)sum_lut[max_value - in[c]];
    }
    int32_t num_bits_over_unit;
    *shifted_scale = tb_softmax_reciprocal((int32_t)sum_of_exps, &num_bits_over_unit);
    *exponent = num_bits_over_unit + 31 - output_bits;
    *max_in_row = max_value;
    return *exponent >= 0 && *exponent <= 31;
}

#endif /* TB_SOFTMAX_S8_COMMON_H */
