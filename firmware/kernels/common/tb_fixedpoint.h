/* Fixed-point rescaling with TFLM's double rounding, bit for bit.
 *
 * A real multiplier M is stored as a Q31 `multiplier` and a `shift` (> 0 shifts left) with
 * M ~= multiplier * 2^(shift - 31). Rescaling x first multiplies by the Q31 value (rounding
 * to nearest, negative ties toward zero) and then divides by a power of two (rounding to
 * nearest, ties away from zero), as TFLM's reference kernels do.
 */
#ifndef TB_FIXEDPOINT_H
#define TB_FIXEDPOINT_H

#include <stdint.h>

/* High 32 bits of 2 * a * b, rounded to nearest (a negative tie goes toward zero);
 * INT32_MIN * INT32_MIN saturates. */
static inline int32_t tb_saturating_rounding_doubling_high_mul(int32_t a, int32_t b)
{
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    const int64_t product = (int64_t)a * (int64_t)b;
    const int64_t nudge = product >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    /* C division truncates toward zero, which is the rounding this step relies on. */
    return (int32_t)((product + nudge) / ((int64_t)1 << 31));
}

/* x / 2^exponent rounded to nearest, ties away from zero; exponent in 0..31. */
static inline int32_t tb_rounding_divide_by_pot(int32_t x, int32_t exponent)
{
    const int32_t mask = (int32_t)(((int64_t)1 << exponent) - 1);
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* x * multiplier * 2^(shift - 31) the way TFLM's MultiplyByQuantizedMultiplier computes it. */
static inline int32_t tb_multiply_by_quantized_multiplier(int32_t x,
                                                          int32_t multiplier,
                                                          int32_t shift)
{
    const int32_t left_shift = shift > 0 ? shift : 0;
    const int32_t right_shift = shift > 0 ? 0 : -shift;
    /* Shift in unsigned arithmetic: wraps instead of overflowing like a signed shift would. */
    const int32_t shifted = (int32_t)((uint32_t)x << left_shift);
    return tb_rounding_divide_by_pot(tb_saturating_rounding_doubling_high_mul(shifted, multiplier),
                                     right_shift);
}

static inline int32_t tb_clamp_s32(int32_t value, int32_t min, int32_t max)
{
    return value < min ? min : (value > max ? max : value);
}

/* Whether every per-channel shift is one tb_multiply_by_quantized_multiplier can apply. */
static inline int tb_shifts_in_range(const int32_t *shift, int32_t channels)
{
    for (int32_t c = 0; c < channels; c++) {
        if (shift[c] < -31 || shift[c] > 31) {
            return 0;
        }
    }
    return 1;
}

#endif /* TB_FIXEDPOINT_H */
