/* Optimized int8 DEPTHWISE_CONV_2D, depth multiplier >= 2 ("pairs" variant).
 *
 * Every input value feeds depth_multiplier outputs. Taps are paired in row-major order (tap 2j
 * with tap 2j + 1; with an odd count the last pair's second weight is 0), the two input values
 * of a pair are packed as halfwords once, and one SMLAD per output of the input channel adds
 * both products. The outputs of one input channel run in groups of 4, 3 or 2 (tb_dwm_group: a
 * multiplier of 5 runs 3 + 2, never a group of 1), four accumulators at most.
 *
 * Filter (doubled int16 values, two per word): per input channel, per group of G outputs, per
 * pair j, G words (w[2j] | w[2j + 1] << 16), one per output of the group.
 *
 * Each output pixel reads its taps through a table of input offsets. Interior pixels (window
 * inside the input) share one, relative to their window, and start from the bias with the input
 * offset folded in. A border pixel gets its own table relative to the image, covering only the
 * pairs from its first to its last tap inside the input, with taps in the padding pointing at
 * the pad pixel (the input zero point in every channel); it starts from the bias without the
 * offset and adds the offset to both halfwords of every pair (SADD16), so padded taps add 0 and
 * the pairs it skips need no correction. Bit-exact with tb_depthwise_conv2d_s8.
 */
#include <stddef.h>
#include <stdint.h>

#include "depthwise_conv2d/depthwise_conv2d_dsp_common.h"

/* Filters with more taps are not taken by this variant (the generator checks). */
#define TB_DWM_MAX_TAPS 64

typedef struct {
    const tb_depthwise_conv_dsp_params_t *params;
    const int32_t *requant;  /* rows (TB_RQ_*), one per output channel */
    const uint32_t *filter;
    int32_t pairs;           /* ceil(taps / 2) */
    int32_t in_c;
    int32_t mult;
    uint32_t lo4, hi4;       /* activation bounds in every byte */
    uint32_t off2;           /* the input offset in both halfwords */
} tb_dwm_job_t;

/* The size of the next group of outputs when `rem` of an input channel's are left. */
TB_ALWAYS_INLINE int32_t tb_dwm_group(int32_t rem)
{
    return rem == 5 ? 3 : (rem >= 4 ? 4 : rem);
}

/* The input values of taps o[0] and o[1] of the channel at p as two halfwords (+ the offset). */
TB_ALWAYS_INLINE uint32_t tb_dwm_pair(const int8_t *p, const intptr_t *o, uint32_t off2, const int border)
{
    const int32_t x0 = p[o[0]], x1 = p[o[1]];
    const uint32_t v = (uint32_t)(uint16_t)x0 | ((uint32_t)x1 << 16);
    return border ? tb_sadd16(v, off2) : v;
}

/* Requantize, clamp and store the G outputs of a group one by one (rows). */
TB_ALWAYS_INLINE void tb_dwm_store_rows(const tb_dwm_job_t *job, const int32_t *rq, int32_t g, int32_t a0,
                                        int32_t a1, int32_t a2, int32_t a3, int8_t *out)
{
    tb_dw_store4(out, rq, g, a0, a1, a2, a3, job->params);
}

/* Multipliers of 4k with the packed table: hand-scheduled routines ---------------------------
 * Compiled C kept neither the loop state nor the four weight words in registers (~40 cycles per
 * pair of taps and ~90 per group of 4 outputs besides). tb_dwm_groups4_inner / _border run every
 * group of 4 outputs of one output pixel: per pair 14 (interior) or 15 (border) cycles for 8
 * MACs, the pair loop unrolled four pairs and entered past the pairs a count not a multiple of 4
 * lacks; per group the biases, tb_requant.h's folded requantization, the clamp and one store.
 *
 * Registers in the pair loop: r0-r3 accumulators, r4/r5 the tap offsets then the input values,
 * r6-r8 (and r9 inside) weight words, r9 (border) the input offset in both halfwords, r10 the
 * input channel, r11 the pair table, r12 the weights, lr the loop count. Stack frame: [sp] loop
 * entry, [sp+4] loop count, [sp+8] table, [sp+12] weights, [sp+16] packed group, [sp+20]
 * output, [sp+24] raw biases (border), [sp+28] groups left, [sp+32] channels left, [sp+36]
 * input channel, [sp+40] job, [sp+44] low clamp, [sp+48] high clamp, [sp+52] weight step,
 * [sp+56] input offset x2. */
typedef struct {
    const intptr_t *taps;   /*  0: the pixel's tap offsets from its first pair (2 per pair) */
    const uint32_t *w;      /*  4: the first group's weights from that pair */
    const int32_t *raw;     /*  8: border: the raw bias word of the first output's requant row */
    const int32_t *packed;  /* 12: tb_depthwise_conv_dsp_params_t.packed */
    int8_t *out;            /* 16: the pixel's first output */
    const int8_t *base;     /* 20: taps are base + taps[i] (+ the channel) */
    int32_t pairs;          /* 24: pairs to run, >= 0 */
    int32_t w_step;         /* 28: bytes from one group's weights to the next */
    int32_t channels;       /* 32: input channels, >= 1 */
    int32_t groups;         /* 36: groups of 4 outputs per input channel, >= 1 */
    uint32_t lo4;           /* 40 */
    uint32_t hi4;           /* 44 */
    uint32_t off2;          /* 48 */
} tb_dwm_job4_t;

#if defined(__ARM_FEATURE_DSP) && defined(__thumb2__)

_Static_assert(offsetof(tb_dwm_job4_t, taps) == 0 && offsetof(tb_dwm_job4_t, w) == 4 &&
                   offsetof(tb_dwm_job4_t, raw) == 8 && offsetof(tb_dwm_job4_t, packed) == 12 &&
                   offsetof(tb_dwm_job4_t, out) == 16 && offsetof(tb_dwm_job4_t, base) == 20 &&
                   offsetof(tb_dwm_job4_t, pairs) == 24 && offsetof(tb_dwm_job4_t, w_step) == 28 &&
                   offsetof(tb_dwm_job4_t, channels) == 32 && offsetof(tb_dwm_job4_t, groups) == 36 &&
                   offsetof(tb_dwm_job4_t, lo4) == 40 && offsetof(tb_dwm_job4_t, hi4) == 44 &&
                   offsetof(tb_dwm_job4_t, off2) == 48,
               "depthwise_conv2d_mult_s8_dsp.c reads tb_dwm_job4_t at fixed offsets");

/* Pair k of an unrolled step: two tap offsets, two input values, four weight words, packed
 * values, four SMLAD. 32-bit encodings only: 52 bytes, so the entry can be computed. */
#define TB_DWM_PAIR_INNER(k)                              \
    "ldr.w   r4, [r11, #8 * " #k "]\n\t"                 \
    "ldr.w   r5, [r11, #8 * " #k " + 4]\n\t"             \
    "ldrsb.w r4, [r10, r4]\n\t"                          \
    "ldrsb.w r5, [r10, r5]\n\t"                          \
    "ldr.w   r6, [r12, #16 * " #k "]\n\t"                \
    "ldr.w   r7, [r12, #16 * " #k " + 4]\n\t"            \
    "ldr.w   r8, [r12, #16 * " #k " + 8]\n\t"            \
    "ldr.w   r9, [r12, #16 * " #k " + 12]\n\t"           \
    "pkhbt   r4, r4, r5, lsl #16\n\t"                    \
    "smlad   r0, r4, r6, r0\n\t"                         \
    "smlad   r1, r4, r7, r1\n\t"                         \
    "smlad   r2, r4, r8, r2\n\t"                         \
    "smlad   r3, r4, r9, r3\n\t"

/* The same with the input offset added to both values (r9): 56 bytes. */
#define TB_DWM_PAIR_BORDER(k)                             \
    "ldr.w   r4, [r11, #8 * " #k "]\n\t"                 \
    "ldr.w   r5, [r11, #8 * " #k " + 4]\n\t"             \
    "ldrsb.w r4, [r10, r4]\n\t"                          \
    "ldrsb.w r5, [r10, r5]\n\t"                          \
    "ldr.w   r6, [r12, #16 * " #k "]\n\t"                \
    "ldr.w   r7, [r12, #16 * " #k " + 4]\n\t"            \
    "ldr.w   r8, [r12, #16 * " #k " + 8]\n\t"            \
    "pkhbt   r4, r4, r5, lsl #16\n\t"                    \
    "ldr.w   r5, [r12, #16 * " #k " + 12]\n\t"           \
    "sadd16  r4, r4, r9\n\t"                             \
    "smlad   r0, r4, r6, r0\n\t"                         \
    "smlad   r1, r4, r7, r1\n\t"                         \
    "smlad   r2, r4, r8, r2\n\t"                         \
    "smlad   r3, r4, r5, r3\n\t"

/* The routine: PAIR one pair's macro, SIZE its bytes, BIAS loads the group's biases into r0-r3
 * (r4 free), OFFSET loads r9 before the loop (or nothing). */
#define TB_DWM_ROUTINE(PAIR, SIZE, BIAS, OFFSET)                                                       \
    __asm__ volatile(                                                                                  \
        "push    {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"                                           \
        "sub     sp, sp, #60\n\t" /* with the 9 pushed registers: 8-byte aligned */                   \
        "str     r0, [sp, #40]\n\t"                                                                    \
        "ldr     r1, [r0, #24]\n\t"                                                                    \
        "adds    r2, r1, #3\n\t"                                                                       \
        "lsrs    r2, r2, #2\n\t"                                                                       \
        "str     r2, [sp, #4]\n\t"                                                                     \
        /* skip s = (4 - pairs % 4) % 4 pairs of the first step: entry, table and weights back */      \
        "rsb     r3, r1, #0\n\t"                                                                       \
        "and     r3, r3, #3\n\t"                                                                       \
        "movs    r4, #" SIZE "\n\t"                                                                    \
        "adr.w   r5, 1f\n\t"                                                                           \
        "mla     r4, r3, r4, r5\n\t"                                                                   \
        "orr     r4, r4, #1\n\t"                                                                       \
        "str     r4, [sp, #0]\n\t"                                                                     \
        "ldr     r5, [r0, #0]\n\t"                                                                     \
        "sub     r5, r5, r3, lsl #3\n\t"                                                               \
        "str     r5, [sp, #8]\n\t"                                                                     \
        "ldr     r5, [r0, #4]\n\t"                                                                     \
        "sub     r5, r5, r3, lsl #4\n\t"                                                               \
        "str     r5, [sp, #12]\n\t"                                                                    \
        "ldr     r5, [r0, #8]\n\t"                                                                     \
        "str     r5, [sp, #24]\n\t"                                                                    \
        "ldr     r5, [r0, #12]\n\t"                                                                    \
        "str     r5, [sp, #16]\n\t"                                                                    \
        "ldr     r5, [r0, #16]\n\t"                                                                    \
        "str     r5, [sp, #20]\n\t"                                                                    \
        "ldr     r5, [r0, #20]\n\t"                                                                    \
        "str     r5, [sp, #36]\n\t"                                                                    \
        "ldr     r5, [r0, #28]\n\t"                                                                    \
        "str     r5, [sp, #52]\n\t"                                                                    \
        "ldr     r5, [r0, #32]\n\t"                                                                    \
        "str     r5, [sp, #32]\n\t"                                                                    \
        "ldrd    r5, r6, [r0, #40]\n\t"                                                                \
        "strd    r5, r6, [sp, #44]\n\t"                                                                \
        "ldr     r5, [r0, #48]\n\t"                                                                    \
        "str     r5, [sp, #56]\n\t"                                                                    \
        /* one input channel */                                                                        \
        "3:\n\t"                                                                                       \
        "ldr     r5, [sp, #40]\n\t"                                                                    \
        "ldr     r5, [r5, #36]\n\t"                                                                    \
        "str     r5, [sp, #28]\n\t"                                                                    \
        /* one group of 4 outputs */                                                                   \
        "2:\n\t" BIAS OFFSET                                                                           \
        "ldr     r10, [sp, #36]\n\t"                                                                   \
        "ldr     r11, [sp, #8]\n\t"                                                                    \
        "ldr     r12, [sp, #12]\n\t"                                                                   \
        "ldr     lr, [sp, #4]\n\t"                                                                     \
        "cmp     lr, #0\n\t"                                                                           \
        "beq     5f\n\t"                                                                               \
        "ldr     r4, [sp, #0]\n\t"                                                                     \
        "bx      r4\n\t"                                                                               \
        "1:\n\t" PAIR(0) PAIR(1) PAIR(2) PAIR(3)                                                       \
        "add     r11, r11, #32\n\t"                                                                    \
        "add     r12, r12, #64\n\t"                                                                    \
        "subs    lr, lr, #1\n\t"                                                                       \
        "bne     1b\n\t"                                                                               \
        "5:\n\t"                                                                                       \
        /* requantize (packed group), clamp, store one word */                                        \
        "ldr     r4, [sp, #16]\n\t"                                                                    \
        TB_ASM_REQUANT4("r4", "16", "r0", "r1", "r2", "r3", "r5", "r6", "r7", "r8")                    \
        "add     r4, r4, #64\n\t"                                                                      \
        "str     r4, [sp, #16]\n\t"                                                                    \
        "ldrd    r5, r6, [sp, #44]\n\t"                                                                \
        TB_ASM_CLAMP4("r0", "r5", "r6", "r7")                                                          \
        "ldr     r5, [sp, #20]\n\t"                                                                    \
        "str     r0, [r5], #4\n\t"                                                                     \
        "str     r5, [sp, #20]\n\t"                                                                    \
        "ldr     r5, [sp, #12]\n\t"                                                                    \
        "ldr     r6, [sp, #52]\n\t"                                                                    \
        "add     r5, r5, r6\n\t"                                                                       \
        "str     r5, [sp, #12]\n\t"                                                                    \
        "ldr     r5, [sp, #28]\n\t"                                                                    \
        "subs    r5, r5, #1\n\t"                                                                       \
        "str     r5, [sp, #28]\n\t"                                                                    \
        "bne     2b\n\t"                                                                               \
        /* next input channel */                                                                       \
        "ldr     r5, [sp, #36]\n\t"                                                                    \
        "adds    r5, r5, #1\n\t"                                                                       \
        "str     r5, [sp, #36]\n\t"                                                                    \
        "ldr     r5, [sp, #32]\n\t"                                                                    \
        "subs    r5, r5, #1\n\t"                                                                       \
        "str     r5, [sp, #32]\n\t"                                                                    \
        "bne     3b\n\t"                                                                               \
        "add     sp, sp, #60\n\t"                                                                      \
        "pop     {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n\t")

/* Interior: the offset-folded biases of the packed group. */
__attribute__((naked, noinline)) static void tb_dwm_groups4_inner(const tb_dwm_job4_t *job)
{
    (void)job;
    TB_DWM_ROUTINE(TB_DWM_PAIR_INNER, "52",
                   "ldr     r4, [sp, #16]\n\t"
                   "ldmia   r4, {r0, r1, r2, r3}\n\t",
                   "");
}

/* Border: the raw biases of the requant rows (6 words apart), the offset added per pair. */
__attribute__((naked, noinline)) static void tb_dwm_groups4_border(const tb_dwm_job4_t *job)
{
    (void)job;
    TB_DWM_ROUTINE(TB_DWM_PAIR_BORDER, "56",
                   "ldr     r4, [sp, #24]\n\t"
                   "ldr     r0, [r4, #0]\n\t"
                   "ldr     r1, [r4, #24]\n\t"
                   "ldr     r2, [r4, #48]\n\t"
                   "ldr     r3, [r4, #72]\n\t"
                   "add     r4, r4, #96\n\t"
                   "str     r4, [sp, #24]\n\t",
                   "ldr     r9, [sp, #56]\n\t");
}

#else /* the same arithmetic in C (host builds) */

static void tb_dwm_groups4(const tb_dwm_job4_t *job, const int border)
{
    const uint32_t *w = job->w;
    const int32_t *pk = job->packed, *raw = job->raw;
    int8_t *out = job->out;
    for (int32_t ic = 0; ic < job->channels; ic++) {
        const int8_t *p = job->base + ic;
        for (int32_t g = 0; g < job->groups; g++, pk += TB_RQ4_WORDS, raw += 4 * TB_RQ_WORDS, out += 4) {
            int32_t a[4];
            for (int32_t i = 0; i < 4; i++) {
                a[i] = border ? raw[i * TB_RQ_WORDS] : pk[i];
            }
            const uint32_t *wg = w;
            for (int32_t j = 0; j < job->pairs; j++, wg += 4) {
                const intptr_t *o = job->taps + 2 * j;
                uint32_t x = (uint32_t)(uint16_t)p[o[0]] | ((uint32_t)(int32_t)p[o[1]] << 16);
                if (border) {
                    x = tb_sadd16(x, job->off2);
                }
                for (int32_t i = 0; i < 4; i++) {
                    a[i] = tb_smlad(x, wg[i], a[i]);
                }
            }
            const uint32_t word = tb_clamp4(tb_requant4_doubled(a[0], a[1], a[2], a[3], pk), job->lo4, job->hi4);
            __builtin_memcpy(out, &word, sizeof word);
            w = (const uint32_t *)(const void *)((const uint8_t *)w + job->w_step);
        }
    }
}

static void tb_dwm_groups4_inner(const tb_dwm_job4_t *job)
{
    tb_dwm_groups4(job, 0);
}

static void tb_dwm_groups4_border(const tb_dwm_job4_t *job)
{
    tb_dwm_groups4(job, 1);
}

#endif

/* One group of G outputs (G constant after inlining) over n pairs of the table o, weights w
 * (the group's, from the table's first pair). `pk`: the group's packed requantization (G == 4
 * and a packed table), or NULL. */
TB_ALWAYS_INLINE void tb_dwm_outputs(const tb_dwm_job_t *job, const int8_t *p, const intptr_t *o, int32_t n,
                                     const uint32_t *w, const int32_t *rq, const int32_t *pk, int8_t *out,
                                     const int32_t g, const int border)
{
    const uint32_t off2 = job->off2;
    const int32_t bias = border ? TB_RQ_RAW_BIAS : TB_RQ_BIAS;
    int32_t a0, a1 = 0, a2 = 0, a3 = 0;
    if (g == 4 && pk != NULL && !border) {
        a0 = pk[0], a1 = pk[1], a2 = pk[2], a3 = pk[3];
    } else {
        a0 = rq[bias];
        if (g > 1) {
            a1 = rq[TB_RQ_WORDS + bias];
        }
        if (g > 2) {
            a2 = rq[2 * TB_RQ_WORDS + bias];
        }
        if (g > 3) {
            a3 = rq[3 * TB_RQ_WORDS + bias];
        }
    }
    if (n & 1) {
        const uint32_t x = tb_dwm_pair(p, o, off2, border);
        a0 = tb_smlad(x, w[0], a0);
        if (g > 1) {
            a1 = tb_smlad(x, w[1], a1);
        }
        if (g > 2) {
            a2 = tb_smlad(x, w[2], a2);
        }
        if (g > 3) {
            a3 = tb_smlad(x, w[3], a3);
        }
        o += 2;
        w += g;
    }
    for (const intptr_t *end = o + 2 * (n & ~1); o < end; o += 4, w += 2 * g) {
        const uint32_t x = tb_dwm_pair(p, o, off2, border);
        const uint32_t y = tb_dwm_pair(p, o + 2, off2, border);
        a0 = tb_smlad(x, w[0], a0);
        if (g > 1) {
            a1 = tb_smlad(x, w[1], a1);
        }
        if (g > 2) {
            a2 = tb_smlad(x, w[2], a2);
        }
        if (g > 3) {
            a3 = tb_smlad(x, w[3], a3);
        }
        a0 = tb_smlad(y, w[g], a0);
        if (g > 1) {
            a1 = tb_smlad(y, w[g + 1], a1);
        }
        if (g > 2) {
            a2 = tb_smlad(y, w[g + 2], a2);
        }
        if (g > 3) {
            a3 = tb_smlad(y, w[g + 3], a3);
        }
    }
    if (g == 4 && pk != NULL) {
        uint32_t word = tb_requant4_doubled(a0, a1, a2, a3, pk);
        if (job->params->clamp) {
            word = tb_clamp4(word, job->lo4, job->hi4);
        }
        __builtin_memcpy(out, &word, sizeof word);
    } else {
        tb_dwm_store_rows(job, rq, g, a0, a1, a2, a3, out);
    }
}

/* Every output of one pixel: per input channel, its groups. `o`: the table from pair j0 on, n
 * pairs; base + o[i] is tap i's input pixel. */
TB_ALWAYS_INLINE void tb_dwm_pixel(const tb_dwm_job_t *job, const int8_t *base, const intptr_t *o, int32_t j0,
                                   int32_t n, int8_t *out, const int border)
{
    const int32_t mult = job->mult, pairs = job->pairs;
    const uint32_t *w = job->filter;
    const int32_t *rq = job->requant;
    const int32_t *pk = job->params->packed;
    if ((mult & 3) == 0 && pk != NULL) { /* every group of 4, packed constants */
        const tb_dwm_job4_t job4 = {o, w + 4 * (size_t)j0, rq + TB_RQ_RAW_BIAS, pk, out, base, n,
                                    pairs * 16, job->in_c, mult / 4, job->lo4, job->hi4, job->off2};
        if (border) {
            tb_dwm_groups4_border(&job4);
        } else {
            tb_dwm_groups4_inner(&job4);
        }
        return;
    }
    for (int32_t ic = 0; ic < job->in_c; ic++) {
        const int8_t *p = base + ic;
        for (int32_t m = 0; m < mult;) {
            const int32_t g = tb_dwm_group(mult - m);
            const uint32_t *wg = w + (size_t)j0 * (size_t)g;
            if (g == 4) {
                tb_dwm_outputs(job, p, o, n, wg, rq, pk, out, 4, border);
                if (pk != NULL) {
                    pk += TB_RQ4_WORDS;
                }
            } else if (g == 3) {
                tb_dwm_outputs(job, p, o, n, wg, rq, NULL, out, 3, border);
            } else if (g == 2) {
                tb_dwm_outputs(job, p, o, n, wg, rq, NULL, out, 2, border);
            } else {
                tb_dwm_outputs(job, p, o, n, wg, rq, NULL, out, 1, border);
            }
            w += (size_t)pairs * (size_t)g;
            rq += (size_t)g * TB_RQ_WORDS;
            out += g;
            m += g;
        }
    }
}

/* A run of `pixels` interior pixels, `step` input bytes apart, sharing the table `inner`. */
__attribute__((noinline)) static void tb_dwm_interior(const tb_dwm_job_t *job, const int8_t *base, int32_t pixels,
                                                      int32_t step, const intptr_t *inner, int8_t *out)
{
    const size_t out_c = (size_t)job->in_c * (size_t)job->mult;
    for (int32_t px = 0; px < pixels; px++, base += step, out += out_c) {
        tb_dwm_pixel(job, base, inner, 0, job->pairs, out, 0);
    }
}

__attribute__((noinline)) static void tb_dwm_border(const tb_dwm_job_t *job, const int8_t *image, const intptr_t *o,
                                                    int32_t j0, int32_t n, int8_t *out)
{
    tb_dwm_pixel(job, image, o, j0, n, out, 1);
}

tb_status_t tb_depthwise_conv2d_mult_s8_dsp(const tb_depthwise_conv_dsp_params_t *params,
                                            const int32_t *requant,
                                            const tb_dims_t *input_dims,
                                            const int8_t *input,
                                            const int16_t *filter,
                                            const tb_dims_t *output_dims,
                                            int8_t *output)
{
    const tb_status_t status = tb_dw_dsp_check(params, requant, input_dims, input, filter, output_dims, output);
    if (status != TB_OK) {
        return status;
    }
    const int32_t k_h = params->filter.h, k_w = params->filter.w, taps = k_h * k_w;
    if (params->pad_pixel == NULL || taps > TB_DWM_MAX_TAPS) {
        return TB_ERR_NO_IMPL;
    }
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t dh = params->dilation.h, dw = params->dilation.w;
    const int32_t span_h = (k_h - 1) * dh, span_w = (k_w - 1) * dw;
    const int32_t pairs = (taps + 1) / 2;
    const tb_dwm_job_t job = {params, requant, (const uint32_t *)(const void *)filter, pairs, in_c,
                              params->depth_multiplier, tb_bytes4(params->activation.min),
                              tb_bytes4(params->activation.max),
                              ((uint32_t)params->input_offset & 0xFFFFu) * 0x10001u};
    intptr_t inner[TB_DWM_MAX_TAPS + 2], border[TB_DWM_MAX_TAPS + 2];
    for (int32_t ky = 0, t = 0; ky < k_h; ky++) {
        for (int32_t kx = 0; kx < k_w; kx++, t++) {
            inner[t] = (intptr_t)(ky * dh * in_w + kx * dw) * in_c;
        }
    }
    inner[taps] = 0; /* an odd count's last pair: a tap inside the window, weighted 0 */
    const size_t image_bytes = (size_t)in_h * (size_t)in_w * (size_t)in_c;
    const intptr_t row_bytes = (intptr_t)in_w * in_c;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + (size_t)b * image_bytes;
        /* The pad pixel as an offset from the image (address arithmetic, not pointer subtraction). */
        const intptr_t pad = (intptr_t)((uintptr_t)params->pad_pixel - (uintptr_t)image);
        int8_t *out = output + (size_t)b * (size_t)out_h * (size_t)out_w * (size_t)out_c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const int rows_inside = y0 >= 0 && y0 + span_h < in_h;
            int32_t ky0, ky1;
            tb_dw_axis(y0, dh, k_h, in_h, &ky0, &ky1);
            for (int32_t ox = 0; ox < out_w; ox++, out += out_c) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                if (rows_inside && x0 >= 0 && x0 + span_w < in_w) {
                    /* The row's run of interior pixels: one call. */
                    int32_t run = (in_w - 1 - span_w - x0) / params->stride.w + 1;
                    run = run < out_w - ox ? run : out_w - ox;
                    tb_dwm_interior(&job, image + ((size_t)y0 * (size_t)in_w + (size_t)x0) * (size_t)in_c, run,
                                    params->stride.w * in_c, inner, out);
                    ox += run - 1;
                    out += (size_t)(run - 1) * (size_t)out_c;
                    continue;
                }
                int32_t kx0, kx1;
                tb_dw_axis(x0, dw, k_w, in_w, &kx0, &kx1);
                int32_t j0 = 0, n = 0;
                if (ky0 < ky1 && kx0 < kx1) {
                    /* The pairs from the first tap inside to the last: the rows inside listed
                     * whole (taps left and right of the input at the pad pixel), and the tap
                     * before the first (an odd first) and after the last (an even last). */
                    const int32_t first = ky0 * k_w + kx0, last = (ky1 - 1) * k_w + kx1 - 1;
                    j0 = first >> 1;
                    n = (last >> 1) + 1 - j0;
                    intptr_t *e = border + ky0 * k_w;
                    intptr_t row = (intptr_t)(y0 + ky0 * dh) * row_bytes + (intptr_t)(x0 + kx0 * dw) * in_c;
                    const intptr_t col_step = (intptr_t)dw * in_c, row_step = (intptr_t)dh * row_bytes;
                    for (int32_t ky = ky0; ky < ky1; ky++, row += row_step) {
                        int32_t kx = 0;
                        for (; kx < kx0; kx++) {
                            *e++ = pad;
                        }
                        for (intptr_t at = row; kx < kx1; kx++, at += col_step) {
                            *e++ = at;
                        }
                        for (; kx < k_w; kx++) {
                            *e++ = pad;
                        }
                    }
                    border[first & ~1] = first & 1 ? pad : border[first];
                    border[last + 1] = pad;
                }
                tb_dwm_border(&job, image, border + 2 * j0, j0, n, out);
            }
        }
    }
    return TB_OK;
}
