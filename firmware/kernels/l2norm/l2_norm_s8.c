/* int8 L2_NORMALIZATION as TFLM's reference integer kernel: the exact sum of squared
 * (x - zero point), its inverse square root in TFLM's fixed point (GetInvSqrtQuantizedMultiplierExp:
 * five Newton-Raphson steps in Q3.28), then each difference rescaled to 1/128 steps. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "l2norm/tb_l2norm.h"

/* gemmlowp's SaturatingRoundingMultiplyByPOT for a positive exponent: a left shift that
 * saturates. */
static int32_t tb_saturating_shift_left(int32_t x, int32_t exponent)
{
    const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* 1 / sqrt(input) as a multiplier and a left shift (TFLM's GetInvSqrtQuantizedMultiplierExp
 * with kReverseShift). */
static void tb_inv_sqrt(int32_t input, int32_t *multiplier, int32_t *shift)
{
    if (input <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    int32_t right_shift = 11;
    while (input >= (1 << 29)) {
        input /= 4;
        right_shift++;
    }
    const uint32_t pairs = (((uint32_t)__builtin_clz((uint32_t)input) - 1u) / 2u) - 1u;
    right_shift -= (int32_t)pairs;
    input <<= 2u * pairs;
    /* Q3.28 (3 integer bits): one is 1 << 28, 1.5 is (1 << 28) + (1 << 27). */
    const int32_t x_in = input >> 1;
    const int32_t half_input = tb_rounding_divide_by_pot(x_in, 1);
    const int32_t half_three = (1 << 28) + (1 << 27);
    int32_t x = 1 << 28;
    for (int i = 0; i < 5; i++) {
        const int32_t x2 = tb_saturating_rounding_doubling_high_mul(x, x);   /* Q6 */
        const int32_t x3_q9 = tb_saturating_rounding_doubling_high_mul(x2, x); /* Q9 */
        const int32_t x3 = tb_saturating_shift_left(x3_q9, 6);                /* Q3 */
        const int32_t a = tb_saturating_rounding_doubling_high_mul(half_three, x); /* Q6 */
        const int32_t b = tb_saturating_rounding_doubling_high_mul(half_input, x3); /* Q6 */
        x = tb_saturating_shift_left((int32_t)((uint32_t)a - (uint32_t)b), 3);
    }
    x = tb_saturating_rounding_doubling_high_mul(x, 1518500250); /* x sqrt(2) / 2, Q0 constant */
    if (right_shift < 0) {
        x = (int32_t)((uint32_t)x << -right_shift);
        right_shift = 0;
    }
    *multiplier = x;
    *shift = -right_shift;
}

tb_status_t tb_l2_norm_s8(int32_t outer, int32_t depth, int32_t input_zero_point, const int8_t *input,
                          int8_t *output)
{
    if (input == NULL || output == NULL || outer < 1 || depth < 1) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < outer; i++) {
        const int8_t *row = input + (size_t)i * (size_t)depth;
        int32_t squares = 0;
        for (int32_t c = 0; c < depth; c++) {
            const int32_t d = row[c] - input_zero_point;
            squares += d * d;
        }
        int32_t multiplier;
        int32_t shift;
        tb_inv_sqrt(squares, &multiplier, &shift);
        for (int32_t c = 0; c < depth; c++) {
            const int32_t d = row[c] - input_zero_point;
            const int32_t value = tb_multiply_by_quantized_multiplier(d, multiplier, shift + 7);
            output[(size_t)i * (size_t)depth + (size_t)c] = (int8_t)tb_clamp_s32(value, -128, 127);
        }
    }
    return TB_OK;
}
