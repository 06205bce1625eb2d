/* gemmlowp's fixed-point exp, logistic, tanh and reciprocal, reproduced bit for bit in C.
 *
 * TFLM's int8 SOFTMAX, LOGISTIC and TANH evaluate these functions on raw int32 values in a
 * Qm.n format (m integer bits, n = 31 - m fractional bits). Here each function takes and
 * returns raw int32 values; the formats are stated per function. Products are
 * tb_saturating_rounding_doubling_high_mul (a Qa value times a Qb value gives Q(a+b)), sums
 * are plain 32-bit additions (done in unsigned arithmetic, so an overflow wraps as on the
 * reference platforms instead of being undefined).
 *
 * Facts from gemmlowp's fixedpoint/fixedpoint.h (the algorithms and the constants); the code
 * is ours.
 */
#ifndef TB_FIXEDPOINT_MATH_H
#define TB_FIXEDPOINT_MATH_H

#include <stdint.h>

#include "common/tb_requant.h"

static inline int32_t tb_fp_add(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t tb_fp_sub(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

static inline int32_t tb_fp_neg(int32_t a)
{
    return (int32_t)(0u - (uint32_t)a);
}

static inline int32_t tb_fp_mul(int32_t a, int32_t b)
{
    return tb_saturating_rounding_doubling_high_mul(a, b);
}

/* x * 2^exponent: saturating for exponent > 0, rounding to nearest for exponent < 0. */
static inline int32_t tb_fp_multiply_by_pot(int32_t x, int32_t exponent)
{
    if (exponent > 0) {
        const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1u);
        if (x > threshold) {
            return INT32_MAX;
        }
        if (x < -threshold) {
            return INT32_MIN;
        }
        return (int32_t)((uint32_t)x << exponent);
    }
    if (exponent < 0) {
        return tb_rounding_divide_by_pot(x, -exponent);
    }
    return x;
}

/* Changes the format of x from Q(src_bits) to Q(dst_bits) integer bits. */
static inline int32_t tb_fp_rescale(int32_t x, int32_t src_bits, int32_t dst_bits)
{
    return tb_fp_multiply_by_pot(x, src_bits - dst_bits);
}

/* (a + b) / 2 rounded half away from zero, computed without overflow. */
static inline int32_t tb_fp_rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    const int64_t sign = sum >= 0 ? 1 : -1;
    return (int32_t)((sum + sign) / 2);
}

/* exp(a) for a in [-1/4, 0), Q0 in and out: Taylor series around -1/8. */
static inline int32_t tb_fp_exp_on_interval_between_negative_one_quarter_and_0_excl(int32_t a)
{
    const int32_t constant_term = 1895147668; /* exp(-1/8) in Q0 */
    const int32_t constant_1_over_3 = 715827883; /* 1/3 in Q0 */
    const int32_t x = tb_fp_add(a, (int32_t)1 << 28); /* a + 1/8 */
    const int32_t x2 = tb_fp_mul(x, x);
    const int32_t x3 = tb_fp_mul(x2, x);
    const int32_t x4 = tb_fp_mul(x2, x2);
    const int32_t x4_over_4 = tb_fp_multiply_by_pot(x4, -2);
    const int32_t poly = tb_fp_multiply_by_pot(
        tb_fp_add(tb_fp_mul(tb_fp_add(x4_over_4, x3), constant_1_over_3), x2), -1);
    return tb_fp_add(constant_term, tb_fp_mul(constant_term, tb_fp_add(x, poly)));
}

/* exp(a) for a <= 0; a in Q(integer_bits), result in Q0. */
static inline int32_t tb_fp_exp_on_negative_values(int32_t a, int32_t integer_bits)
{
    static const int32_t barrel_multipliers[7] = {
        1672461947, /* exp(-1/4) */
        1302514674, /* exp(-1/2) */
        790015084,  /* exp(-1) */
        290630308,  /* exp(-2) */
        39332535,   /* exp(-4) */
        720401,     /* exp(-8) */
        242,        /* exp(-16) */
    };
    const int32_t fractional_bits = 31 - integer_bits;
    const int32_t one_quarter = (int32_t)1 << (fractional_bits - 2);
    const int32_t mask = one_quarter - 1;
    const int32_t a_mod_quarter_minus_one_quarter = tb_fp_sub(a & mask, one_quarter);
    int32_t result = tb_fp_exp_on_interval_between_negative_one_quarter_and_0_excl(
        tb_fp_rescale(a_mod_quarter_minus_one_quarter, integer_bits, 0));
    const int32_t remainder = tb_fp_sub(a_mod_quarter_minus_one_quarter, a);

    /* Multiply in exp(-2^e) for every bit e of the remainder, e = -2 .. 4. */
    for (int32_t e = -2; e <= 4; e++) {
        if (integer_bits > e) {
            const int32_t bit = fractional_bits + e;
            if (((uint32_t)remainder & (1u << bit)) != 0u) {
                result = tb_fp_mul(result, barrel_multipliers[e + 2]);
            }
        }
    }
    if (integer_bits > 5) {
        const int32_t clamp = -((int32_t)1 << (36 - integer_bits)); /* -32 */
        if (a < clamp) {
            result = 0;
        }
    }
    if (a == 0) {
        result = INT32_MAX; /* one */
    }
    return result;
}

/* Three Newton-Raphson steps towards 1 / half_denominator (Q0 in, Q2 out). */
static inline int32_t tb_fp_newton_reciprocal(int32_t half_denominator)
{
    const int32_t constant_48_over_17 = 1515870810;   /* Q2 */
    const int32_t constant_neg_32_over_17 = -1010580540; /* Q2 */
    const int32_t one_q2 = (int32_t)1 << 29;
    int32_t x = tb_fp_add(constant_48_over_17, tb_fp_mul(half_denominator, constant_neg_32_over_17));
    for (int32_t i = 0; i < 3; i++) {
        const int32_t half_denominator_times_x = tb_fp_mul(half_denominator, x);
        const int32_t one_minus = tb_fp_sub(one_q2, half_denominator_times_x);
        x = tb_fp_add(x, tb_fp_rescale(tb_fp_mul(x, one_minus), 4, 2));
    }
    return x;
}

/* 1 / (1 + a) for a in [0, 1), Q0 in and out. */
static inline int32_t tb_fp_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    const int32_t x = tb_fp_newton_reciprocal(tb_fp_rounding_half_sum(a, INT32_MAX));
    return tb_fp_rescale(x, 1, 0); /* x / 2, read as Q1 */
}

/* (1 - a) / (1 + a) for a in [0, 1), Q0 in and out. */
static inline int32_t tb_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a)
{
    const int32_t x = tb_fp_newton_reciprocal(tb_fp_rounding_half_sum(a, INT32_MAX));
    return tb_fp_rescale(tb_fp_sub(x, (int32_t)1 << 29), 2, 0);
}

/* logistic(a) = 1 / (1 + exp(-a)); a in Q(integer_bits), result in Q0. */
static inline int32_t tb_fp_logistic(int32_t a, int32_t integer_bits)
{
    if (a == 0) {
        return (int32_t)1 << 30; /* one half */
    }
    const int32_t abs_a = a > 0 ? a : tb_fp_neg(a);
    const int32_t if_positive = tb_fp_one_over_one_plus_x_for_x_in_0_1(
        tb_fp_exp_on_negative_values(tb_fp_neg(abs_a), integer_bits));
    return a > 0 ? if_positive : tb_fp_sub(INT32_MAX, if_positive);
}

/* tanh(a); a in Q(integer_bits), result in Q0. */
static inline int32_t tb_fp_tanh(int32_t a, int32_t integer_bits)
{
    if (a == 0) {
        return 0;
    }
    const int32_t negative_part = a < 0 ? a : tb_fp_neg(a);
    /* -tanh(n) for n < 0 is (1 - exp(2n)) / (1 + exp(2n)); 2n is the same raw value in
     * a format with one more integer bit. */
    const int32_t t = tb_fp_one_minus_x_over_one_plus_x_for_x_in_0_1(
        tb_fp_exp_on_negative_values(negative_part, integer_bits + 1));
    return a < 0 ? tb_fp_neg(t) : t;
}

#endif /* TB_FIXEDPOINT_MATH_H */
