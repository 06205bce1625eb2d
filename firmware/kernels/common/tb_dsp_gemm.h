/* Building blocks of the optimized int8 kernels (CONV_2D, FULLY_CONNECTED): an int8 x int16
 * dot product over 4 output channels using the Cortex-M4 DSP extension (SXTB16 + SMLAD), and a
 * requantization that is bit-exact with TFLM's MultiplyByQuantizedMultiplier.
 *
 * Weight layout (prepared by the generator): output channels in groups of 4 (the last group
 * padded with zero weights); within a group, for each run of 4 reduction elements k0..k3
 * ("quad"), 4 channels x 4 int16 values in the order (k0, k2, k1, k3). SXTB16 of 4 input bytes
 * gives the pairs (x0, x2) and (x1, x3), so one SMLAD per pair multiplies matching elements.
 * A reduction length that is not a multiple of 4 is padded with zero weights to the next quad.
 *
 * The input offset is folded into the bias by the generator:
 * bias'[c] = bias[c] + input_offset * sum_k weights[c][k], so the inner loop multiplies raw
 * int8 inputs (padding taps either read the input zero point or are corrected by the caller).
 *
 * Every intrinsic sits under __ARM_FEATURE_DSP with a plain-C fallback computing the same value,
 * so the host build compiles and gives the same results.
 */
#ifndef TB_DSP_GEMM_H
#define TB_DSP_GEMM_H

#include <stdint.h>
#include <string.h>

#include "common/tb_dsp.h"
#include "common/tb_fixedpoint.h"
#include "tb_kernel_types.h"

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

/* Per-output-channel constants of an optimized int8 kernel, all precomputed. */
typedef struct {
    const int32_t *bias;       /* folded bias, one per channel (padded to a multiple of 4) */
    const int32_t *multiplier; /* Q31, one per output channel */
    const int32_t *shift;      /* > 0 shifts left, one per output channel */
    int32_t fast;              /* 1: every shift in -31..-1 and |acc| < 2^29 (proven by the
                                * generator): rescale with one SMMULR and a rounding shift */
    const int32_t *packed;     /* fast only, or NULL: per group of 4 channels, 16 words: the
                                * folded biases, the multipliers, the SMMLAR addends
                                * 2^(e-1) + output_offset * 2^e of tb_dsp.h's requantization
                                * (proven by the generator to stay below 2^30) and the right
                                * shifts e = -shift, 4 of each */
} tb_dsp_requant_t;

/* Word offsets within a group of tb_dsp_requant_t.packed. */
enum {
    TB_DSP_PACKED_BIAS = 0,
    TB_DSP_PACKED_MULT = 4,
    TB_DSP_PACKED_ROUND = 8,
    TB_DSP_PACKED_SHIFT = 12,
    TB_DSP_PACKED_WORDS = 16,
};

/* Rows of a GEMM over full groups of 4 channels with packed constants (gemm_rows_s8_dsp.c):
 * rows x (quads * 4) int8 inputs times the tb_dsp_gemm.h weights, every group requantized,
 * clamped and stored as one word. Field offsets are fixed: the routine is hand-written. */
typedef struct {
    const int8_t *x;       /*  0: first row */
    const int16_t *w;      /*  4: weights of the full groups */
    const int32_t *packed; /*  8: tb_dsp_requant_t.packed */
    int8_t *out;           /* 12: first row's output */
    int32_t x_step;        /* 16: bytes from one row's start to the next */
    int32_t out_skip;      /* 20: output bytes after a row's full groups */
    int32_t quads;         /* 24: row length / 4, >= 1 */
    int32_t groups;        /* 28: full groups per row, >= 1 */
    int32_t rows;          /* 32: >= 1 */
    uint32_t lo4;          /* 36: activation minimum in every byte */
    uint32_t hi4;          /* 40: activation maximum in every byte */
} tb_dsp_gemm_job_t;

void tb_dsp_gemm_rows_s8(const tb_dsp_gemm_job_t *job);

/* Four bytes from any address (LDR allows unaligned addresses on the Cortex-M4). */
static inline uint32_t tb_dsp_load4(const int8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* The first `n` (1..3) bytes at p, zero above: never reads past p[n - 1]. */
static inline uint32_t tb_dsp_load_tail(const int8_t *p, int32_t n)
{
    uint32_t v = (uint8_t)p[0];
    if (n > 1) {
        v |= (uint32_t)(uint8_t)p[1] << 8;
    }
    if (n > 2) {
        v |= (uint32_t)(uint8_t)p[2] << 16;
    }
    return v;
}

/* Orders the compiler's memory accesses: stores before it are done before reads after it. */
static inline void tb_dsp_barrier(void) { __asm__ volatile("" ::: "memory"); }

/* Bytes 0 and 2 of v, sign-extended into the two halfwords. */
static inline uint32_t tb_dsp_sxtb16(uint32_t v)
{
#if defined(__ARM_FEATURE_DSP)
    return __sxtb16(v);
#else
    return (uint32_t)(uint16_t)(int16_t)(int8_t)(v & 0xFFu) |
           ((uint32_t)(uint16_t)(int16_t)(int8_t)((v >> 16) & 0xFFu) << 16);
#endif
}

/* Bytes 1 and 3 of v, sign-extended into the two halfwords. */
static inline uint32_t tb_dsp_sxtb16_ror8(uint32_t v)
{
#if defined(__ARM_FEATURE_DSP)
    uint32_t result;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(result) : "r"(v));
    return result;
#else
    return tb_dsp_sxtb16((v >> 8) | (v << 24));
#endif
}

/* acc + lo(a) * lo(b) + hi(a) * hi(b), halfwords signed. */
static inline int32_t tb_dsp_smlad(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return __smlad(a, b, acc);
#else
    const int32_t lo = (int32_t)(int16_t)(a & 0xFFFFu) * (int32_t)(int16_t)(b & 0xFFFFu);
    const int32_t hi = (int32_t)(int16_t)(a >> 16) * (int32_t)(int16_t)(b >> 16);
    return (int32_t)((uint32_t)acc + (uint32_t)lo + (uint32_t)hi);
#endif
}

/* Two int16 weights (one SMLAD operand). */
static inline uint32_t tb_dsp_w2(const int16_t *w)
{
    uint32_t v;
    memcpy(&v, w, sizeof v);
    return v;
}

/* One quad of inputs (a02 = pairs of bytes 0/2, a13 = bytes 1/3) into 4 channels' accumulators;
 * w points at the quad's 16 int16 weights. */
#define TB_DSP_QUAD4(a02, a13, w, acc0, acc1, acc2, acc3)        \
    do {                                                          \
        (acc0) = tb_dsp_smlad((a02), tb_dsp_w2((w) + 0), (acc0));  \
        (acc0) = tb_dsp_smlad((a13), tb_dsp_w2((w) + 2), (acc0));  \
        (acc1) = tb_dsp_smlad((a02), tb_dsp_w2((w) + 4), (acc1));  \
        (acc1) = tb_dsp_smlad((a13), tb_dsp_w2((w) + 6), (acc1));  \
        (acc2) = tb_dsp_smlad((a02), tb_dsp_w2((w) + 8), (acc2));  \
        (acc2) = tb_dsp_smlad((a13), tb_dsp_w2((w) + 10), (acc2)); \
        (acc3) = tb_dsp_smlad((a02), tb_dsp_w2((w) + 12), (acc3)); \
        (acc3) = tb_dsp_smlad((a13), tb_dsp_w2((w) + 14), (acc3)); \
    } while (0)

/*
 * acc[0..3] += sum over k < length of x[k] * w(channel, k), for one group of 4 channels.
 * `w` points at the group's weights for this run (ceil(length / 4) quads of 16 int16) and is
 * returned advanced past them. Reads exactly x[0..length-1].
 */
/* Always inlined: a call would cost its register saves and the accumulators' round trip
 * through memory on every tap. */
__attribute__((always_inline)) static inline const int16_t *tb_dsp_dot4(const int8_t *x,
                                                                        const int16_t *w,
                                                                        int32_t length,
                                                                        int32_t acc[4])
{
    int32_t acc0 = acc[0], acc1 = acc[1], acc2 = acc[2], acc3 = acc[3];
    int32_t quads = length >> 2;
#if defined(__ARM_FEATURE_DSP)
    /* No "memory" clobber, so the caller's constants stay in registers across the loop: the asm
     * only reads x and w, which no kernel writes within a call except an im2col row, and the
     * im2col kernel puts a compiler barrier (tb_dsp_barrier) between the two. */
    /* Per quad: one input word, two SXTB16, two LDM of 4 weight words, eight SMLAD. LDM takes
     * 1 + 4 cycles for four words where LDRD pairs take 2 x 3 and a load that does not follow
     * another load costs 2: the loop is unrolled twice so a taken branch pays once per 32 MACs.
     * The weight registers are fixed and ascending, as LDM's register list must be. */
    register uint32_t w0 __asm__("r8");
    register uint32_t w1 __asm__("r9");
    register uint32_t w2 __asm__("r10");
    register uint32_t w3 __asm__("r11");
    uint32_t a02, a13;
#define TB_DSP_QUAD_ASM                                       \
    "ldr     %[a13], [%[x]], #4\n\t"                           \
    "ldmia   %[w]!, {%[w0], %[w1], %[w2], %[w3]}\n\t"          \
    "sxtb16  %[a02], %[a13]\n\t"                               \
    "sxtb16  %[a13], %[a13], ror #8\n\t"                       \
    "smlad   %[c0], %[a02], %[w0], %[c0]\n\t"                  \
    "smlad   %[c0], %[a13], %[w1], %[c0]\n\t"                  \
    "smlad   %[c1], %[a02], %[w2], %[c1]\n\t"                  \
    "smlad   %[c1], %[a13], %[w3], %[c1]\n\t"                  \
    "ldmia   %[w]!, {%[w0], %[w1], %[w2], %[w3]}\n\t"          \
    "smlad   %[c2], %[a02], %[w0], %[c2]\n\t"                  \
    "smlad   %[c2], %[a13], %[w1], %[c2]\n\t"                  \
    "smlad   %[c3], %[a02], %[w2], %[c3]\n\t"                  \
    "smlad   %[c3], %[a13], %[w3], %[c3]\n\t"
#define TB_DSP_QUAD_OPERANDS                                                               \
    : [x] "+r"(x), [w] "+r"(w), [c0] "+r"(acc0), [c1] "+r"(acc1), [c2] "+r"(acc2),        \
      [c3] "+r"(acc3), [a02] "=&r"(a02), [a13] "=&r"(a13), [w0] "=&r"(w0), [w1] "=&r"(w1), \
      [w2] "=&r"(w2), [w3] "=&r"(w3)
    int32_t pairs = quads >> 1;
    if (pairs > 0) {
        __asm__ volatile(
            "1:\n\t" TB_DSP_QUAD_ASM TB_DSP_QUAD_ASM
            "subs    %[n], %[n], #1\n\t"
            "bne     1b\n\t"
            TB_DSP_QUAD_OPERANDS, [n] "+r"(pairs)
            :
            : "cc");
    }
    if (quads & 1) {
        __asm__ volatile(TB_DSP_QUAD_ASM TB_DSP_QUAD_OPERANDS);
    }
#undef TB_DSP_QUAD_ASM
#undef TB_DSP_QUAD_OPERANDS
#else
    while (quads >= 2) {
        const uint32_t a = tb_dsp_load4(x);
        const uint32_t b = tb_dsp_load4(x + 4);
        x += 8;
        uint32_t a02 = tb_dsp_sxtb16(a), a13 = tb_dsp_sxtb16_ror8(a);
        TB_DSP_QUAD4(a02, a13, w, acc0, acc1, acc2, acc3);
        a02 = tb_dsp_sxtb16(b);
        a13 = tb_dsp_sxtb16_ror8(b);
        TB_DSP_QUAD4(a02, a13, w + 16, acc0, acc1, acc2, acc3);
        w += 32;
        quads -= 2;
    }
    if (quads > 0) {
        const uint32_t a = tb_dsp_load4(x);
        x += 4;
        const uint32_t a02 = tb_dsp_sxtb16(a), a13 = tb_dsp_sxtb16_ror8(a);
        TB_DSP_QUAD4(a02, a13, w, acc0, acc1, acc2, acc3);
        w += 16;
    }
#endif
    const int32_t tail = length & 3;
    if (tail != 0) {
        const uint32_t a = tb_dsp_load_tail(x, tail);
        const uint32_t a02 = tb_dsp_sxtb16(a), a13 = tb_dsp_sxtb16_ror8(a);
        TB_DSP_QUAD4(a02, a13, w, acc0, acc1, acc2, acc3);
        w += 16;
    }
    acc[0] = acc0;
    acc[1] = acc1;
    acc[2] = acc2;
    acc[3] = acc3;
    return w;
}

/* (2 * a * b + 2^31) >> 32: SaturatingRoundingDoublingHighMul(a, b) when |a| < 2^30. */
static inline int32_t tb_dsp_smmulr_doubled(int32_t a, int32_t b)
{
#if defined(__ARM_FEATURE_DSP)
    int32_t result;
    __asm__("smmulr %0, %1, %2" : "=r"(result) : "r"(a * 2), "r"(b));
    return result;
#else
    return (int32_t)(((int64_t)a * 2 * (int64_t)b + ((int64_t)1 << 31)) >> 32);
#endif
}

/*
 * TFLM's rescaling of one accumulator, + output offset, clamped to [act_min, act_max].
 * fast (proven at generation time): shift in -31..-1 and |acc| < 2^29, so the doubling high
 * multiply is one SMMULR on 2 * acc, and rounding half away from zero is
 * (x + 2^(e-1) - (x < 0)) >> e without overflow.
 */
static inline int32_t tb_dsp_requantize(int32_t acc, int32_t multiplier, int32_t shift,
                                        int32_t fast, int32_t output_offset, int32_t act_min,
                                        int32_t act_max)
{
    int32_t x;
    if (fast) {
        const int32_t e = -shift;
        x = tb_dsp_smmulr_doubled(acc, multiplier);
        x = (x + (int32_t)(1u << (e - 1)) + (x >> 31)) >> e;
    } else {
        x = tb_multiply_by_quantized_multiplier(acc, multiplier, shift);
    }
    x += output_offset;
    return tb_clamp_s32(x, act_min, act_max);
}

/* The fast rescaling of one accumulator (see tb_dsp_requantize), + offset, clamped. */
static inline int32_t tb_dsp_requantize_fast(int32_t acc, int32_t multiplier, int32_t shift,
                                             int32_t output_offset, int32_t act_min,
                                             int32_t act_max)
{
    const int32_t e = -shift;
    int32_t x = tb_dsp_smmulr_doubled(acc, multiplier);
    x = (x + (int32_t)(1u << (e - 1)) + (x >> 31)) >> e;
    x += output_offset;
    x = x < act_min ? act_min : x;
    return x > act_max ? act_max : x;
}

/*
 * The folded requantization (tb_dsp.h) of one full group: four doubled accumulators (|acc2| <
 * 2^30, every e >= 1, so the sign word is -1) to four int8 values saturated, not yet clamped,
 * packed into one word (channel 0 in the low byte). q points at the group's 16 packed words.
 * Loads run back to back, as a load right after another costs one cycle instead of two.
 */
TB_ALWAYS_INLINE uint32_t tb_dsp_requant4_doubled(int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                                                  const int32_t *q)
{
#if defined(__ARM_FEATURE_DSP)
    uint32_t t0, t1, t2, t3;
    __asm__("ldr    %[t0], [%[q], #16]\n\t"
            "ldr    %[t1], [%[q], #20]\n\t"
            "ldr    %[t2], [%[q], #32]\n\t"
            "ldr    %[t3], [%[q], #36]\n\t"
            "add    %[t2], %[t2], %[a0], asr #31\n\t"
            "add    %[t3], %[t3], %[a1], asr #31\n\t"
            "smmlar %[a0], %[a0], %[t0], %[t2]\n\t"
            "smmlar %[a1], %[a1], %[t1], %[t3]\n\t"
            "ldr    %[t0], [%[q], #48]\n\t"
            "ldr    %[t1], [%[q], #52]\n\t"
            "ldr    %[t2], [%[q], #24]\n\t"
            "ldr    %[t3], [%[q], #28]\n\t"
            "asr    %[a0], %[a0], %[t0]\n\t"
            "asr    %[a1], %[a1], %[t1]\n\t"
            "ldr    %[t0], [%[q], #40]\n\t"
            "ldr    %[t1], [%[q], #44]\n\t"
            "ssat   %[a0], #8, %[a0]\n\t"
            "ssat   %[a1], #8, %[a1]\n\t"
            "add    %[t0], %[t0], %[a2], asr #31\n\t"
            "add    %[t1], %[t1], %[a3], asr #31\n\t"
            "smmlar %[a2], %[a2], %[t2], %[t0]\n\t"
            "smmlar %[a3], %[a3], %[t3], %[t1]\n\t"
            "ldr    %[t0], [%[q], #56]\n\t"
            "ldr    %[t1], [%[q], #60]\n\t"
            "asr    %[a2], %[a2], %[t0]\n\t"
            "asr    %[a3], %[a3], %[t1]\n\t"
            "ssat   %[a2], #8, %[a2]\n\t"
            "ssat   %[a3], #8, %[a3]\n\t"
            "bfi    %[a0], %[a1], #8, #8\n\t"
            "bfi    %[a0], %[a2], #16, #8\n\t"
            "bfi    %[a0], %[a3], #24, #8"
            : [a0] "+&r"(a0), [a1] "+&r"(a1), [a2] "+&r"(a2), [a3] "+&r"(a3), [t0] "=&r"(t0),
              [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3)
            : [q] "r"(q));
    return (uint32_t)a0;
#else
    const int32_t acc[4] = {a0, a1, a2, a3};
    uint32_t word = 0;
    for (int32_t i = 0; i < 4; i++) {
        const int32_t v = tb_dsp_requant_words(acc[i], q[TB_DSP_PACKED_MULT + i],
                                               q[TB_DSP_PACKED_ROUND + i], -1, q[TB_DSP_PACKED_SHIFT + i]);
        word |= (uint32_t)(uint8_t)v << (8 * i);
    }
    return word;
#endif
}

/* The same on plain accumulators (|acc| < 2^29): doubling keeps the sign the addend needs. */
TB_ALWAYS_INLINE uint32_t tb_dsp_requant4_packed(int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                                                 const int32_t *q)
{
    return tb_dsp_requant4_doubled(a0 * 2, a1 * 2, a2 * 2, a3 * 2, q);
}

/* Each byte of v clamped to [lo, hi] (both replicated into every byte; int8 lanes). */
TB_ALWAYS_INLINE uint32_t tb_dsp_clamp4(uint32_t v, uint32_t lo4, uint32_t hi4)
{
#if defined(__ARM_FEATURE_DSP)
    uint32_t t;
    __asm__("ssub8  %[t], %[v], %[lo]\n\t"
            "sel    %[v], %[v], %[lo]\n\t"
            "ssub8  %[t], %[v], %[hi]\n\t"
            "sel    %[v], %[hi], %[v]"
            : [v] "+&r"(v), [t] "=&r"(t)
            : [lo] "r"(lo4), [hi] "r"(hi4)
            : "cc");
    return v;
#else
    uint32_t r = 0;
    for (int32_t i = 0; i < 4; i++) {
        const int32_t x = (int8_t)(v >> (8 * i)), lo = (int8_t)lo4, hi = (int8_t)hi4;
        r |= (uint32_t)(uint8_t)(x < lo ? lo : (x > hi ? hi : x)) << (8 * i);
    }
    return r;
#endif
}

/* An int8 activation bound replicated into the four bytes of a word. */
static inline uint32_t tb_dsp_bytes4(int32_t v) { return (uint32_t)(uint8_t)v * 0x01010101u; }

/* Requantize `count` (1..4) accumulators of the group starting at channel c into out[0..count-1].
 * Always inlined, so the accumulators stay in registers (a call spilled them, ~10% of a conv). */
__attribute__((always_inline)) static inline void tb_dsp_store_group(const int32_t acc[4], const tb_dsp_requant_t *rq, int32_t c,
                                      int32_t count, int32_t output_offset,
                                      const tb_activation_t *act, int8_t *out)
{
    const int32_t *m = rq->multiplier + c, *sh = rq->shift + c;
    const int32_t lo = act->min, hi = act->max;
    if (rq->packed != NULL && count == 4) {
        uint32_t word = tb_dsp_requant4_packed(acc[0], acc[1], acc[2], acc[3],
                                               rq->packed + (size_t)(c / 4) * TB_DSP_PACKED_WORDS);
        if (lo != -128 || hi != 127) { /* else the SSAT was the clamp */
            word = tb_dsp_clamp4(word, tb_dsp_bytes4(lo), tb_dsp_bytes4(hi));
        }
        memcpy(out, &word, sizeof word);
        return;
    }
    if (rq->fast && count == 4) {
        const int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        out[0] = (int8_t)tb_dsp_requantize_fast(a0, m[0], sh[0], output_offset, lo, hi);
        out[1] = (int8_t)tb_dsp_requantize_fast(a1, m[1], sh[1], output_offset, lo, hi);
        out[2] = (int8_t)tb_dsp_requantize_fast(a2, m[2], sh[2], output_offset, lo, hi);
        out[3] = (int8_t)tb_dsp_requantize_fast(a3, m[3], sh[3], output_offset, lo, hi);
        return;
    }
    for (int32_t i = 0; i < count; i++) {
        out[i] = (int8_t)tb_dsp_requantize(acc[i], m[i], sh[i], rq->fast, output_offset, lo, hi);
    }
}

/* Shift range check shared by the kernels' argument checks: -31..31, and -31..-1 when fast.
 * Branch-free and unrolled, as it runs over every channel on every call. */
static inline int tb_dsp_shifts_valid(const tb_dsp_requant_t *rq, int32_t channels)
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

/*
 * out[r][c] = requantized (bias'[c] + sum_k x[r][k] * w(c, k)) for `rows` rows of a GEMM (pixels
 * of a 1x1 or contiguous-field convolution, im2col rows, batches of a fully connected layer),
 * row r at x + r * x_step, its outputs at out + r * channels: the full
 * groups through the hand-written tb_dsp_gemm_rows_s8 when the constants are packed and the
 * length is whole quads, everything else through tb_dsp_dot4 and tb_dsp_store_group.
 */
static inline void tb_dsp_gemm_rows(const int8_t *x, int32_t length, int32_t rows, size_t x_step,
                                    const int16_t *weights, int32_t channels,
                                    const tb_dsp_requant_t *rq, int32_t output_offset,
                                    const tb_activation_t *act, int8_t *out)
{
    int32_t first = 0; /* the first channel left to the C path */
    if (rq->packed != NULL && (length & 3) == 0 && length > 0 && channels >= 4 && rows > 0) {
        const tb_dsp_gemm_job_t job = {
            .x = x, .w = weights, .packed = rq->packed, .out = out, .x_step = (int32_t)x_step,
            .out_skip = channels & 3, .quads = length >> 2, .groups = channels >> 2, .rows = rows,
            .lo4 = tb_dsp_bytes4(act->min), .hi4 = tb_dsp_bytes4(act->max),
        };
        tb_dsp_gemm_rows_s8(&job);
        first = channels & ~3;
        if (first == channels) {
            return;
        }
    }
    const int16_t *w0 = weights + (size_t)(first / 4) * (size_t)((length + 3) / 4) * 16;
    for (int32_t r = 0; r < rows; r++) {
        const int8_t *row = x + (size_t)r * x_step;
        int8_t *o = out + (size_t)r * (size_t)channels;
        const int16_t *w = w0;
        for (int32_t c = first; c < channels; c += 4) {
            int32_t acc[4] = {rq->bias[c], rq->bias[c + 1], rq->bias[c + 2], rq->bias[c + 3]};
            w = tb_dsp_dot4(row, w, length, acc);
            const int32_t count = channels - c < 4 ? channels - c : 4;
            tb_dsp_store_group(acc, rq, c, count, output_offset, act, o + c);
        }
    }
}

#endif /* TB_DSP_GEMM_H */
