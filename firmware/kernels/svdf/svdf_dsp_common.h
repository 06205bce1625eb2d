/* The DSP-extension pieces of the optimized SVDF kernels: the state moved a word at a time and
 * the two dot products with SMLAD. Integer sums wrap exactly as the reference's 32-bit sums, so
 * the kernels stay bit-exact with TFLM. Included by svdf_*_dsp.c only. */
#ifndef TB_SVDF_DSP_COMMON_H
#define TB_SVDF_DSP_COMMON_H

#include <stddef.h>
#include <string.h>

#include "common/tb_isa.h"
#include "svdf/svdf_common.h"

/* bytes[i] = bytes[i + step] for i < count - step: the state moves left by one value of `step`
 * bytes. Eight bytes per iteration (unaligned LDR/STR are allowed on the Cortex-M4), the rest one
 * by one; a forward copy is safe because every read is ahead of the write. */
static inline void tb_svdf_shift_state(uint8_t *bytes, size_t count, size_t step)
{
    size_t i = 0;
    for (; i + step + 8u <= count; i += 8u) {
        const uint32_t a = tb_read_u32(bytes + i + step);
        const uint32_t b = tb_read_u32(bytes + i + step + 4u);
        memcpy(bytes + i, &a, sizeof a);
        memcpy(bytes + i + 4u, &b, sizeof b);
    }
    for (; i + step < count; i++) {
        bytes[i] = bytes[i + step];
    }
}

/* sum of row[c] * (input[c] - zero point): four int8 lanes per step as two halfword pairs. */
static inline int32_t tb_svdf_feature_dot_s8_dsp(const int8_t *row, const int8_t *input, int32_t size,
                                                 int32_t input_zero_point)
{
    const uint32_t offset = (uint32_t)(uint16_t)(-input_zero_point) * 0x00010001u;
    int32_t acc = 0;
    int32_t c = 0;
    for (; c + 4 <= size; c += 4) {
        const uint32_t x = tb_read_u32(input + c), w = tb_read_u32(row + c);
        acc = tb_smlad(tb_sadd16(tb_sxtb16(x), offset), tb_sxtb16(w), acc);
        acc = tb_smlad(tb_sadd16(tb_sxtb16_ror8(x), offset), tb_sxtb16_ror8(w), acc);
    }
    for (; c < size; c++) {
        acc += (int32_t)row[c] * ((int32_t)input[c] - input_zero_point);
    }
    return acc;
}

/* sum of w[m] * (s[m] - zero point) for int16 time weights and state: SMLAD on halfword pairs,
 * the zero point's part taken out as zero point x sum of weights. */
static inline int32_t tb_svdf_time_dot_s16_dsp(const int16_t *w, const int16_t *s, int32_t size,
                                               int32_t state_zero_point)
{
    int32_t acc = 0, weights = 0;
    int32_t m = 0;
    for (; m + 2 <= size; m += 2) {
        const uint32_t wp = tb_read_u32(w + m);
        acc = tb_smlad(wp, tb_read_u32(s + m), acc);
        weights = tb_smlad(wp, 0x00010001u, weights);
    }
    for (; m < size; m++) {
        acc += (int32_t)w[m] * (int32_t)s[m];
        weights += w[m];
    }
    return (int32_t)((uint32_t)acc - (uint32_t)state_zero_point * (uint32_t)weights);
}

/* TFLM's MultiplyByQuantizedMultiplier(x, multiplier, shift) for a multiplier of 0 or in
 * [2^30, 2^31) (the generator's; the ring kernels refuse others), exact for every int32 x.
 *
 * shift <= -1 (right shift e = -shift): with P = x * multiplier, TFLM's doubling high multiply is
 * y = floor((P + 2^30) / 2^31) (its ties round up on both signs; it saturates only for two
 * INT32_MIN operands) and its division by 2^e, rounding half away from zero, is
 * floor((y + 2^(e-1) - [y < 0]) / 2^e). The two floors are one:
 * floor((P + 2^30 + 2^(30+e) - [x < 0] 2^31) / 2^(31+e)), the high word of a 64-bit sum shifted
 * right by e - 1 ([x < 0] may stand for [y < 0]: where they differ y is 0, and so is the
 * result). |P| < 2^62, so nothing overflows: ASR, ADDS, ADC, SMLAL, ASR.
 *
 * shift >= 0: x' = x << shift (wrapping, as TFLM), then y = floor((x' m + 2^30) / 2^31), which is
 * SMMULR(2 x', m) while 2 x' fits. Where it does not (|x'| >= 2^30), |y| >= 2^29 and every
 * caller clamps to int16 or narrower: x' saturated to 30 bits gives a value as far out, so the
 * clamp gives TFLM's result (LSL, SSAT, LSL, SMMULR). */
typedef struct {
    int32_t multiplier;
    int32_t shift;         /* TFLM's: > 0 shifts left */
    int32_t right_minus_1; /* e - 1 when shift = -e <= -1 */
    uint32_t round_lo;     /* 2^30 + 2^(30+e) when shift <= -1: low and high words */
    int32_t round_hi;
} tb_svdf_rescale_t;

/* Whether the ring kernels rescale `q` exactly (tb_svdf_rescale_t). */
static inline int tb_svdf_rescale_valid(tb_quant_t q)
{
    return (q.multiplier == 0 || q.multiplier >= (1 << 30)) && q.shift >= -31 && q.shift <= 31;
}

static inline tb_svdf_rescale_t tb_svdf_rescale_of(tb_quant_t q)
{
    tb_svdf_rescale_t r = {q.multiplier, q.shift, 0, 0u, 0};
    if (q.shift < 0) {
        const int64_t round = ((int64_t)1 << 30) + ((int64_t)1 << (30 - q.shift));
        r.right_minus_1 = -q.shift - 1;
        r.round_lo = (uint32_t)round;
        r.round_hi = (int32_t)(round >> 32);
    }
    return r;
}

/* The rescaling for shift <= -1. */
TB_ALWAYS_INLINE int32_t tb_svdf_rescale_right(int32_t x, int32_t multiplier, uint32_t round_lo, int32_t round_hi,
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

/* The rescaling for shift >= 0 (exact where the caller clamps to int16 or narrower). */
TB_ALWAYS_INLINE int32_t tb_svdf_rescale_left(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t shifted = (int32_t)((uint32_t)x << shift);
#if defined(__ARM_FEATURE_DSP)
    return tb_smmulr((int32_t)((uint32_t)__ssat(shifted, 31) << 1), multiplier);
#else
    return (int32_t)(((int64_t)shifted * multiplier + ((int64_t)1 << 30)) >> 31);
#endif
}

/* Either, `right` (shift <= -1) a constant at every call so that each loop gets one form. */
TB_ALWAYS_INLINE int32_t tb_svdf_rescale(int32_t x, const tb_svdf_rescale_t *r, int right)
{
    return right ? tb_svdf_rescale_right(x, r->multiplier, r->round_lo, r->round_hi, r->right_minus_1)
                 : tb_svdf_rescale_left(x, r->multiplier, r->shift);
}

/* sum of w[m] * s[m] over n int16 pairs at any 2-byte alignment (unaligned LDR), added to acc. */
TB_ALWAYS_INLINE int32_t tb_svdf_ring_dot_s16(const int16_t *w, const int16_t *s, int32_t n, int32_t acc)
{
    for (; n >= 8; n -= 8) {
        const uint32_t w0 = tb_read_u32(w), w1 = tb_read_u32(w + 2), w2 = tb_read_u32(w + 4), w3 = tb_read_u32(w + 6);
        const uint32_t s0 = tb_read_u32(s), s1 = tb_read_u32(s + 2), s2 = tb_read_u32(s + 4), s3 = tb_read_u32(s + 6);
        acc = tb_smlad(w0, s0, acc);
        acc = tb_smlad(w1, s1, acc);
        acc = tb_smlad(w2, s2, acc);
        acc = tb_smlad(w3, s3, acc);
        w += 8;
        s += 8;
    }
    for (; n >= 2; n -= 2) {
        acc = tb_smlad(tb_read_u32(w), tb_read_u32(s), acc);
        w += 2;
        s += 2;
    }
    if (n != 0) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)*w * (int32_t)*s));
    }
    return acc;
}

/* The same for int8 weights and state: SXTB16 of both into halfword pairs. */
TB_ALWAYS_INLINE int32_t tb_svdf_ring_dot_s8(const int8_t *w, const int8_t *s, int32_t n, int32_t acc)
{
    for (; n >= 8; n -= 8) {
        const uint32_t w0 = tb_read_u32(w), w1 = tb_read_u32(w + 4);
        const uint32_t s0 = tb_read_u32(s), s1 = tb_read_u32(s + 4);
        acc = tb_smlad(tb_sxtb16(w0), tb_sxtb16(s0), acc);
        acc = tb_smlad(tb_sxtb16_ror8(w0), tb_sxtb16_ror8(s0), acc);
        acc = tb_smlad(tb_sxtb16(w1), tb_sxtb16(s1), acc);
        acc = tb_smlad(tb_sxtb16_ror8(w1), tb_sxtb16_ror8(s1), acc);
        w += 8;
        s += 8;
    }
    if (n >= 4) {
        const uint32_t w0 = tb_read_u32(w), s0 = tb_read_u32(s);
        acc = tb_smlad(tb_sxtb16(w0), tb_sxtb16(s0), acc);
        acc = tb_smlad(tb_sxtb16_ror8(w0), tb_sxtb16_ror8(s0), acc);
        w += 4;
        s += 4;
        n -= 4;
    }
    for (; n > 0; n--) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)*w++ * (int32_t)*s++));
    }
    return acc;
}

#endif /* TB_SVDF_DSP_COMMON_H */
