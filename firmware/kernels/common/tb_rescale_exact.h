/* TFLM's MultiplyByQuantizedMultiplier in a few instructions, exact for every int32 value: the
 * rescaling of the kernels whose accumulators may use the whole int32 range (the SVDF ring
 * kernels, the optimized integer QUANTIZE). Right shifts give TFLM's value; shift >= 0 gives it
 * where the caller then clamps to int16 or narrower (see below).
 */
#ifndef TB_RESCALE_EXACT_H
#define TB_RESCALE_EXACT_H

#include <stdint.h>

#include "common/tb_isa.h"
#include "tb_kernel_types.h"

/* TFLM's MultiplyByQuantizedMultiplier(x, multiplier, shift) for a multiplier of 0 or in
 * [2^30, 2^31) (as the generator makes them; tb_rescale_exact_valid), exact for every int32 x.
 *
 * shift <= -1 (right shift e = -shift): with P = x * multiplier, TFLM's doubling high multiply is
 * y = floor((P + 2^30) / 2^31) (its ties round up on both signs; it saturates only for two
 * INT32_MIN operands) and its division by 2^e, rounding half away from zero, is
 * floor((y + 2^(e-1) - [y < 0]) / 2^e). The two floors are one:
 * floor((P + 2^30 + 2^(30+e) - [x < 0] 2^31) / 2^(31+e)), the high word of a 64-bit sum shifted
 * right by e - 1 ([x < 0] may stand for [y < 0]: where they differ y is 0, and so is the
 * result). |P| < 2^62, so nothing overflows: ASR, ADDS, ADC, SMLAL, ASR.
 *
 * shift >= 0: x' = x << shift (wrapping, as TFLM), then y = floor((x' m + 2^30) / 2^31): an SMLAL
 * from 2^30 and bits 31..62 of the sum. The clamped form: y is SMMULR(2 x', m) while 2 x' fits. Where it does not (|x'| >= 2^30), |y| >= 2^29 and every
 * caller clamps to int16 or narrower (after adding at most an int16 zero point): x' saturated to
 * 30 bits gives a value as far out, so the clamp gives TFLM's result (LSL, SSAT, LSL, SMMULR). */
typedef struct {
    int32_t multiplier;
    int32_t shift;         /* TFLM's: > 0 shifts left */
    int32_t right_minus_1; /* e - 1 when shift = -e <= -1 */
    uint32_t round_lo;     /* 2^30 + 2^(30+e) when shift <= -1: low and high words */
    int32_t round_hi;
} tb_rescale_exact_t;

/* Whether tb_rescale_exact_t applies to `q` (the kernels using it refuse other multipliers). */
static inline int tb_rescale_exact_valid(tb_quant_t q)
{
    return (q.multiplier == 0 || q.multiplier >= (1 << 30)) && q.shift >= -31 && q.shift <= 31;
}

static inline tb_rescale_exact_t tb_rescale_exact_of(tb_quant_t q)
{
    tb_rescale_exact_t r = {q.multiplier, q.shift, 0, 0u, 0};
    if (q.shift < 0) {
        const int64_t round = ((int64_t)1 << 30) + ((int64_t)1 << (30 - q.shift));
        r.right_minus_1 = -q.shift - 1;
        r.round_lo = (uint32_t)round;
        r.round_hi = (int32_t)(round >> 32);
    }
    return r;
}

/* The rescaling for shift <= -1. */
TB_ALWAYS_INLINE int32_t tb_rescale_exact_right(int32_t x, int32_t multiplier, uint32_t round_lo, int32_t round_hi,
                                               int32_t right_minus_1)
{
#if defined(__ARM_FEATURE_DSP)
    uint32_t lo, sign;
    int32_t hi;
    __asm__("asr     %[sign], %[x], #31\n\t"
            "adds    %[lo], %[rlo], %[sign], lsl #31\n\t"
            "adc     %[hi], %[rhi], %[sign]\n\t"
            "smlal   %[lo], %[hi], %[x], %[m]\n\t"
            "asr     %[hi], %[hi], %[sh]"
            : [lo] "=&r"(lo), [hi] "=&r"(hi), [sign] "=&r"(sign)
            : [x] "r"(x), [m] "r"(multiplier), [rlo] "r"(round_lo), [rhi] "r"(round_hi), [sh] "r"(right_minus_1)
            : "cc");
    return hi;
#else
    const int64_t round = (int64_t)(((uint64_t)(uint32_t)round_hi << 32) | round_lo);
    const int64_t sum = round - (x < 0 ? ((int64_t)1 << 31) : 0) + (int64_t)x * multiplier;
    return (int32_t)(sum >> 32) >> right_minus_1;
#endif
}

/* The rescaling for shift >= 0, exact: SMLAL of x' with 2^30 in the low word, then bits 31..62. */
TB_ALWAYS_INLINE int32_t tb_rescale_exact_left(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t shifted = (int32_t)((uint32_t)x << shift);
    return (int32_t)(((int64_t)shifted * multiplier + ((int64_t)1 << 30)) >> 31);
}

/* The same where the caller clamps the result (plus at most an int16 zero point) to int16 or
 * narrower: LSL, SSAT, LSL, SMMULR. */
TB_ALWAYS_INLINE int32_t tb_rescale_clamped_left(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t shifted = (int32_t)((uint32_t)x << shift);
#if defined(__ARM_FEATURE_DSP)
    return tb_smmulr((int32_t)((uint32_t)__ssat(shifted, 31) << 1), multiplier);
#else
    return (int32_t)(((int64_t)shifted * multiplier + ((int64_t)1 << 30)) >> 31);
#endif
}

/* Either, `right` (shift <= -1) a constant at every call so that each loop gets one form. */
TB_ALWAYS_INLINE int32_t tb_rescale_exact(int32_t x, const tb_rescale_exact_t *r, int right)
{
    return right ? tb_rescale_exact_right(x, r->multiplier, r->round_lo, r->round_hi, r->right_minus_1)
                 : tb_rescale_exact_left(x, r->multiplier, r->shift);
}

/* The same, using tb_rescale_clamped_left for shift >= 0 (the caller clamps as it requires). */
TB_ALWAYS_INLINE int32_t tb_rescale_clamped(int32_t x, const tb_rescale_exact_t *r, int right)
{
    return right ? tb_rescale_exact_right(x, r->multiplier, r->round_lo, r->round_hi, r->right_minus_1)
                 : tb_rescale_clamped_left(x, r->multiplier, r->shift);
}

#endif /* TB_RESCALE_EXACT_H */
