/* Requantization: TFLM's fixed-point rescaling bit for bit, the folded form the optimized int8
 * kernels use, and the layouts of the constants the generator emits for it.
 *
 * Reference form. A real multiplier M is stored as a Q31 `multiplier` and a `shift` (> 0 shifts
 * left) with M ~= multiplier * 2^(shift - 31). Rescaling x first multiplies by the Q31 value
 * (rounding to nearest, negative ties toward zero) and then divides by a power of two (rounding
 * to nearest, ties away from zero), as TFLM's MultiplyByQuantizedMultiplier does.
 *
 * Folded form (optimized kernels). For a right shift e >= 1, TFLM's result is
 * RoundingDivideByPOT(SRDHM(x, m), e). With x2 = 2x, that plus the output zero point zp equals,
 * bit for bit, SMMLAR(x2, m, c) >> e = floor((x2 * m + 2^31 + c * 2^32) / 2^(32 + e)) with
 * c = 2^(e-1) + zp * 2^e - [x < 0] (the floor of a floor by a power of two is one floor; the sign
 * term only moves ties, and where [x < 0] and [SRDHM < 0] differ the result is 0 either way).
 * For e = 0 the rounding constant is zp and the sign term is masked off. The generator
 * (generator/ops/dsp_requant.py) checks the bounds that make this exact: |x2| < 2^31 and
 * |c| < 2^30. The kernels accumulate x2 directly (doubled weights and bias) or double x.
 *
 * Two layouts of the folded constants stay, because their readers differ:
 *  - rows (TB_RQ_*, TB_RQ_WORDS words per output channel): read one channel at a time by the
 *    depthwise kernels and ADD; they carry what single channels need: the bias without the
 *    input offset folded in (border pixels add the offset per tap) and the sign word, 0 when
 *    e = 0;
 *  - groups (TB_RQ4_*, TB_RQ4_WORDS words per 4 output channels, each field 4 words): read by
 *    the hand-scheduled asm with LDM / fixed offsets, a whole group per step; emitted only when
 *    every e >= 1, so the sign is always -1 and not stored.
 * tb_requant_folded is the one arithmetic behind both; tb_requant_row and tb_requant_lane read
 * its words from either layout.
 */
#ifndef TB_REQUANT_H
#define TB_REQUANT_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_isa.h"

/* Reference form ------------------------------------------------------------------------------ */

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

/* The activation clamp of the optimized kernels (min first, then max). */
TB_ALWAYS_INLINE int32_t tb_clamp_act(int32_t v, int32_t lo, int32_t hi)
{
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
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

/* Folded form --------------------------------------------------------------------------------- */

/* Doubled accumulator -> int8 value (output offset added, saturated to int8, not clamped). */
TB_ALWAYS_INLINE int32_t tb_requant_folded(int32_t acc2, int32_t mult, int32_t round, int32_t sign,
                                           int32_t shift)
{
    return tb_ssat8(tb_smmlar(acc2, mult, round + ((acc2 >> 31) & sign)) >> shift);
}

/* Rows: per output channel. */
enum {
    TB_RQ_BIAS = 0,      /* 2 x (bias + input_offset x sum of all taps): interior outputs */
    TB_RQ_RAW_BIAS = 1,  /* 2 x bias: border outputs, which add the offset per tap */
    TB_RQ_MULT = 2,      /* Q31 multiplier */
    TB_RQ_ROUND = 3,     /* 2^(e-1) + zp * 2^e (e >= 1), or zp (e == 0) */
    TB_RQ_SIGN = 4,      /* -1 when e >= 1, else 0 */
    TB_RQ_SHIFT = 5,     /* right shift e, 0..31 */
    TB_RQ_WORDS = 6,
};

/* Groups: per 4 output channels, word offsets of each field's 4 lanes. */
enum {
    TB_RQ4_BIAS = 0,   /* the folded biases (doubled where the kernel accumulates doubled) */
    TB_RQ4_MULT = 4,   /* Q31 multipliers */
    TB_RQ4_ROUND = 8,  /* 2^(e-1) + zp * 2^e */
    TB_RQ4_SHIFT = 12, /* right shifts e, 1..31 */
    TB_RQ4_WORDS = 16,
};

TB_ALWAYS_INLINE int32_t tb_requant_row(int32_t acc2, const int32_t *row)
{
    return tb_requant_folded(acc2, row[TB_RQ_MULT], row[TB_RQ_ROUND], row[TB_RQ_SIGN], row[TB_RQ_SHIFT]);
}

/* Lane i (0..3) of a group. */
TB_ALWAYS_INLINE int32_t tb_requant_lane(int32_t acc2, const int32_t *group, int32_t i)
{
    return tb_requant_folded(acc2, group[TB_RQ4_MULT + i], group[TB_RQ4_ROUND + i], -1,
                             group[TB_RQ4_SHIFT + i]);
}

/* A whole group in asm: four doubled accumulators (registers a0..a3) requantized, saturated and
 * packed into a0 (channel 0 in the low byte); t0..t3 are scratch. The group's multipliers are
 * at byte offset `mult` from register q (the string of a number: "16" from the group's start,
 * "0" after an LDM took its biases), its addends 16 and its shifts 32 bytes further. Loads run
 * back to back, as a load right after another costs one cycle instead of two. */
#define TB_ASM_REQUANT4(q, mult, a0, a1, a2, a3, t0, t1, t2, t3)  \
    "ldr     " t0 ", [" q ", #" mult "+0]\n\t"                  \
    "ldr     " t1 ", [" q ", #" mult "+4]\n\t"                  \
    "ldr     " t2 ", [" q ", #" mult "+16]\n\t"                 \
    "ldr     " t3 ", [" q ", #" mult "+20]\n\t"                 \
    "add     " t2 ", " t2 ", " a0 ", asr #31\n\t"               \
    "add     " t3 ", " t3 ", " a1 ", asr #31\n\t"               \
    "smmlar  " a0 ", " a0 ", " t0 ", " t2 "\n\t"                \
    "smmlar  " a1 ", " a1 ", " t1 ", " t3 "\n\t"                \
    "ldr     " t0 ", [" q ", #" mult "+32]\n\t"                 \
    "ldr     " t1 ", [" q ", #" mult "+36]\n\t"                 \
    "ldr     " t2 ", [" q ", #" mult "+8]\n\t"                  \
    "ldr     " t3 ", [" q ", #" mult "+12]\n\t"                 \
    "asr     " a0 ", " a0 ", " t0 "\n\t"                        \
    "asr     " a1 ", " a1 ", " t1 "\n\t"                        \
    "ldr     " t0 ", [" q ", #" mult "+24]\n\t"                 \
    "ldr     " t1 ", [" q ", #" mult "+28]\n\t"                 \
    "ssat    " a0 ", #8, " a0 "\n\t"                            \
    "ssat    " a1 ", #8, " a1 "\n\t"                            \
    "add     " t0 ", " t0 ", " a2 ", asr #31\n\t"               \
    "add     " t1 ", " t1 ", " a3 ", asr #31\n\t"               \
    "smmlar  " a2 ", " a2 ", " t2 ", " t0 "\n\t"                \
    "smmlar  " a3 ", " a3 ", " t3 ", " t1 "\n\t"                \
    "ldr     " t0 ", [" q ", #" mult "+40]\n\t"                 \
    "ldr     " t1 ", [" q ", #" mult "+44]\n\t"                 \
    "asr     " a2 ", " a2 ", " t0 "\n\t"                        \
    "asr     " a3 ", " a3 ", " t1 "\n\t"                        \
    "ssat    " a2 ", #8, " a2 "\n\t"                            \
    "ssat    " a3 ", #8, " a3 "\n\t"                            \
    "bfi     " a0 ", " a1 ", #8, #8\n\t"                        \
    "bfi     " a0 ", " a2 ", #16, #8\n\t"                       \
    "bfi     " a0 ", " a3 ", #24, #8\n\t"

/* The group starting at q: four doubled accumulators (|acc2| < 2^30) to four int8 values,
 * saturated, not yet clamped, packed into one word (channel 0 in the low byte). */
TB_ALWAYS_INLINE uint32_t tb_requant4_doubled(int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                                              const int32_t *q)
{
#if defined(__ARM_FEATURE_DSP)
    uint32_t t0, t1, t2, t3;
    __asm__(TB_ASM_REQUANT4("%[q]", "16", "%[a0]", "%[a1]", "%[a2]", "%[a3]", "%[t0]", "%[t1]", "%[t2]",
                            "%[t3]")
            : [a0] "+&r"(a0), [a1] "+&r"(a1), [a2] "+&r"(a2), [a3] "+&r"(a3), [t0] "=&r"(t0),
              [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
            : [q] "r"(q));
    return (uint32_t)a0;
#else
    const int32_t acc[4] = {a0, a1, a2, a3};
    uint32_t word = 0;
    for (int32_t i = 0; i < 4; i++) {
        word |= (uint32_t)(uint8_t)tb_requant_lane(acc[i], q, i) << (8 * i);
    }
    return word;
#endif
}

/* The same on plain accumulators (|acc| < 2^29): doubling keeps the sign the addend needs. */
TB_ALWAYS_INLINE uint32_t tb_requant4(int32_t a0, int32_t a1, int32_t a2, int32_t a3, const int32_t *q)
{
    return tb_requant4_doubled(a0 * 2, a1 * 2, a2 * 2, a3 * 2, q);
}

/* Per-channel arrays (GEMM-based kernels) ----------------------------------------------------- */

/* Per-output-channel constants of the GEMM-based kernels (CONV_2D, FULLY_CONNECTED). */
typedef struct {
    const int32_t *bias;       /* folded bias, one per channel (padded to a multiple of 4) */
    const int32_t *multiplier; /* Q31, one per output channel */
    const int32_t *shift;      /* > 0 shifts left, one per output channel */
    int32_t fast;              /* 1: every shift in -31..-1 and |acc| < 2^29 (proven by the
                                * generator): rescale with one SMMULR and a rounding shift */
    const int32_t *packed;     /* fast only, or NULL: the same constants as groups (TB_RQ4_*,
                                * the biases un-doubled: the kernels double the accumulators) */
} tb_dsp_requant_t;

/* The fast rescaling (no offset, no clamp): shift in -31..-1 and |acc| < 2^29, so the doubling
 * high multiply is one SMMULR on 2 * acc, and rounding half away from zero is
 * (x + 2^(e-1) - (x < 0)) >> e without overflow. */
TB_ALWAYS_INLINE int32_t tb_rescale_fast(int32_t acc, int32_t multiplier, int32_t shift)
{
    const int32_t e = -shift;
    const int32_t x = tb_smmulr(acc * 2, multiplier);
    return (x + (int32_t)(1u << (e - 1)) + (x >> 31)) >> e;
}

/* TFLM's rescaling of one accumulator, + output offset, clamped to [act_min, act_max]. */
static inline int32_t tb_requantize(int32_t acc, int32_t multiplier, int32_t shift, int32_t fast,
                                    int32_t output_offset, int32_t act_min, int32_t act_max)
{
    int32_t x;
    if (fast) {
        x = tb_rescale_fast(acc, multiplier, shift);
    } else {
        x = tb_multiply_by_quantized_multiplier(acc, multiplier, shift);
    }
    x += output_offset;
    return tb_clamp_s32(x, act_min, act_max);
}

/* The fast rescaling of one accumulator, + offset, clamped. */
static inline int32_t tb_requantize_fast(int32_t acc, int32_t multiplier, int32_t shift,
                                         int32_t output_offset, int32_t act_min, int32_t act_max)
{
    return tb_clamp_act(tb_rescale_fast(acc, multiplier, shift) + output_offset, act_min, act_max);
}

/* Shift range check of the kernels' arguments: -31..31, and -31..-1 when fast.
 * Branch-free and unrolled, as it runs over every channel on every call. */
static inline int tb_requant_shifts_valid(const tb_dsp_requant_t *rq, int32_t channels)
{
    const uint32_t span = rq->fast ? 30u : 62u; /* shift + 31 must lie in 0..span */
    const int32_t *shift = rq->shift;
    uint32_t bad = 0;
    int32_t c = 0;
    for (; c + 4 <= channels; c += 4) {
        const int32_t s0 = shift[c], s1 = shift[c + 1], s2 = shift[c + 2], s3 = shift[c + 3];
        bad |= (uint32_t)((uint32_t)(s0 + 31) > span) | (uint32_t)((uint32_t)(s1 + 31) > span) |
               (uint32_t)((uint32_t)(s2 + 31) > span) | (uint32_t)((uint32_t)(s3 + 31) > span);
    }
    for (; c < channels; c++) {
        bad |= (uint32_t)((uint32_t)(shift[c] + 31) > span);
    }
    return bad == 0;
}

#endif /* TB_REQUANT_H */
