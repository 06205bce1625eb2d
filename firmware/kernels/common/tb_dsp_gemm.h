/* The GEMM of the optimized int8 kernels (CONV_2D, FULLY_CONNECTED): an int8 x int16 dot product
 * over 4 output channels using the Cortex-M4 DSP extension (SXTB16 + SMLAD), each group
 * requantized bit-exactly with TFLM (common/tb_requant.h).
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
 * The instructions come from common/tb_isa.h, each with a plain-C twin, so the host build
 * compiles and gives the same results.
 */
#ifndef TB_DSP_GEMM_H
#define TB_DSP_GEMM_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/tb_isa.h"
#include "common/tb_requant.h"
#include "tb_kernel_types.h"

/* Rows of a GEMM over full groups of 4 channels with packed constants (gemm_rows_s8_dsp.c):
 * rows x (quads * 4) int8 inputs times the tb_dsp_gemm.h weights, every group requantized,
 * clamped and stored as one word. Field offsets are fixed: the routine is hand-written. */
typedef struct {
    const int8_t *x;       /*  0: first row */
    const int16_t *w;      /*  4: weights of the full groups */
    const int32_t *packed; /*  8: tb_dsp_requant_t.packed (TB_RQ4_* groups) */
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

/* One quad of inputs (a02 = pairs of bytes 0/2, a13 = bytes 1/3) into 4 channels' accumulators;
 * w points at the quad's 16 int16 weights. */
#define TB_DSP_QUAD4(a02, a13, w, acc0, acc1, acc2, acc3)        \
    do {                                                          \
        (acc0) = tb_smlad((a02), tb_read_u32((w) + 0), (acc0));  \
        (acc0) = tb_smlad((a13), tb_read_u32((w) + 2), (acc0));  \
        (acc1) = tb_smlad((a02), tb_read_u32((w) + 4), (acc1));  \
        (acc1) = tb_smlad((a13), tb_read_u32((w) + 6), (acc1));  \
        (acc2) = tb_smlad((a02), tb_read_u32((w) + 8), (acc2));  \
        (acc2) = tb_smlad((a13), tb_read_u32((w) + 10), (acc2)); \
        (acc3) = tb_smlad((a02), tb_read_u32((w) + 12), (acc3)); \
        (acc3) = tb_smlad((a13), tb_read_u32((w) + 14), (acc3)); \
    } while (0)

/* One quad in asm, shared by tb_dsp_dot4 and the hand-written GEMM: loads an input word from
 * x and 16 weights from w (both post-incremented), SXTB16 into the pairs a02/a13, and eight
 * SMLAD into the accumulators c0..c3. The input word and the first four weights are single
 * LDRs back to back: on the Cortex-M4 a load right after another pipelines (1 cycle), so they
 * take 6 cycles where LDR + LDM took 7; the other four are one LDM (1 + 4 cycles, as four LDRs
 * after a MAC would be, in one instruction). w0..w3 must be ascending registers (LDM's list).
 * Every instruction is a 32-bit encoding (64 bytes per quad: the GEMM enters its unrolled loop
 * by address). */
#define TB_ASM_QUAD(x, w, c0, c1, c2, c3, a02, a13, w0, w1, w2, w3)  \
    "ldr.w   " a13 ", [" x "], #4\n\t"                             \
    "ldr.w   " w0 ", [" w "], #4\n\t"                              \
    "ldr.w   " w1 ", [" w "], #4\n\t"                              \
    "ldr.w   " w2 ", [" w "], #4\n\t"                              \
    "ldr.w   " w3 ", [" w "], #4\n\t"                              \
    "sxtb16  " a02 ", " a13 "\n\t"                                  \
    "sxtb16  " a13 ", " a13 ", ror #8\n\t"                          \
    "smlad   " c0 ", " a02 ", " w0 ", " c0 "\n\t"                   \
    "smlad   " c0 ", " a13 ", " w1 ", " c0 "\n\t"                   \
    "smlad   " c1 ", " a02 ", " w2 ", " c1 "\n\t"                   \
    "smlad   " c1 ", " a13 ", " w3 ", " c1 "\n\t"                   \
    "ldmia.w " w "!, {" w0 ", " w1 ", " w2 ", " w3 "}\n\t"        \
    "smlad   " c2 ", " a02 ", " w0 ", " c2 "\n\t"                   \
    "smlad   " c2 ", " a13 ", " w1 ", " c2 "\n\t"                   \
    "smlad   " c3 ", " a02 ", " w2 ", " c3 "\n\t"                   \
    "smlad   " c3 ", " a13 ", " w3 ", " c3 "\n\t"

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
     * im2col kernel puts a compiler barrier (tb_barrier) between the two. */
    /* Per quad: one input word, two SXTB16, two runs of pipelined weight loads, eight SMLAD;
     * the loop is unrolled twice so a taken branch pays once per 32 MACs. */
    register uint32_t w0 __asm__("r8");
    register uint32_t w1 __asm__("r9");
    register uint32_t w2 __asm__("r10");
    register uint32_t w3 __asm__("r11");
    uint32_t a02, a13;
#define TB_DSP_QUAD_ASM                                                                    \
    TB_ASM_QUAD("%[x]", "%[w]", "%[c0]", "%[c1]", "%[c2]", "%[c3]", "%[a02]", "%[a13]", "%[w0]", "%[w1]", \
                "%[w2]", "%[w3]")
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
        const uint32_t a = tb_read_u32(x);
        const uint32_t b = tb_read_u32(x + 4);
        x += 8;
        uint32_t a02 = tb_sxtb16(a), a13 = tb_sxtb16_ror8(a);
        TB_DSP_QUAD4(a02, a13, w, acc0, acc1, acc2, acc3);
        a02 = tb_sxtb16(b);
        a13 = tb_sxtb16_ror8(b);
        TB_DSP_QUAD4(a02, a13, w + 16, acc0, acc1, acc2, acc3);
        w += 32;
        quads -= 2;
    }
    if (quads > 0) {
        const uint32_t a = tb_read_u32(x);
        x += 4;
        const uint32_t a02 = tb_sxtb16(a), a13 = tb_sxtb16_ror8(a);
        TB_DSP_QUAD4(a02, a13, w, acc0, acc1, acc2, acc3);
        w += 16;
    }
#endif
    const int32_t tail = length & 3;
    if (tail != 0) {
        const uint32_t a = tb_read_tail(x, tail);
        const uint32_t a02 = tb_sxtb16(a), a13 = tb_sxtb16_ror8(a);
        TB_DSP_QUAD4(a02, a13, w, acc0, acc1, acc2, acc3);
        w += 16;
    }
    acc[0] = acc0;
    acc[1] = acc1;
    acc[2] = acc2;
    acc[3] = acc3;
    return w;
}

/* Requantize `count` (1..4) accumulators of the group starting at channel c into out[0..count-1].
 * Always inlined, so the accumulators stay in registers (a call spilled them, ~10% of a conv). */
__attribute__((always_inline)) static inline void tb_dsp_store_group(const int32_t acc[4], const tb_dsp_requant_t *rq, int32_t c,
                                      int32_t count, int32_t output_offset,
                                      const tb_activation_t *act, int8_t *out)
{
    const int32_t *m = rq->multiplier + c, *sh = rq->shift + c;
    const int32_t lo = act->min, hi = act->max;
    if (rq->packed != NULL && count == 4) {
        uint32_t word = tb_requant4(acc[0], acc[1], acc[2], acc[3], rq->packed + (size_t)(c / 4) * TB_RQ4_WORDS);
        if (lo != -128 || hi != 127) { /* else the SSAT was the clamp */
            word = tb_clamp4(word, tb_bytes4(lo), tb_bytes4(hi));
        }
        memcpy(out, &word, sizeof word);
        return;
    }
    if (rq->fast && count == 4) {
        const int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
        out[0] = (int8_t)tb_requantize_fast(a0, m[0], sh[0], output_offset, lo, hi);
        out[1] = (int8_t)tb_requantize_fast(a1, m[1], sh[1], output_offset, lo, hi);
        out[2] = (int8_t)tb_requantize_fast(a2, m[2], sh[2], output_offset, lo, hi);
        out[3] = (int8_t)tb_requantize_fast(a3, m[3], sh[3], output_offset, lo, hi);
        return;
    }
    for (int32_t i = 0; i < count; i++) {
        out[i] = (int8_t)tb_requantize(acc[i], m[i], sh[i], rq->fast, output_offset, lo, hi);
    }
}

/* Few-channel blocks: the last 1-3 channels of a GEMM (a 1-, 2-, 3-, 5-... filter convolution,
 * a 2-unit FULLY_CONNECTED) would waste the padded lanes of a whole group of 4; instead each
 * weight word of one or two lanes is reused across several rows (output pixels), and each input
 * word across the lanes. `w` points at the lane's first weights in its group (the group's
 * weights + 4 x lane int16): a quad's weights of one lane are 2 words, 16 int16 apart from the
 * next quad's. */

/* The last 1-3 bytes of a row as the pairs a02/a13 (zero above the row's end). */
TB_ALWAYS_INLINE void tb_dsp_tail_pairs(const int8_t *x, int32_t tail, uint32_t *a02, uint32_t *a13)
{
    const uint32_t a = tb_read_tail(x, tail);
    *a02 = tb_sxtb16(a);
    *a13 = tb_sxtb16_ror8(a);
}

/* One lane, four rows x, x + step, x + 2 step, x + 3 step: acc[0..3]. The quad loop walks two
 * pointers (rows 0 and 2) and reads rows 1 and 3 at `step` from them, so its pointers, weights
 * and sums fit the registers (with four row pointers the compiler kept two on the stack). */
static inline void tb_dsp_dot_l1r4(const int8_t *x, size_t step, const int16_t *w, int32_t length,
                                   int32_t acc[4])
{
    const int8_t *x0 = x, *x2 = x + 2 * step;
    int32_t s0 = acc[0], s1 = acc[1], s2 = acc[2], s3 = acc[3];
    const int8_t *const end = x0 + (length & ~3);
    while (x0 != end) {
        uint32_t wa, wb;
        tb_read_w2(w, &wa, &wb);
        w += 16;
        const uint32_t v0 = tb_read_u32(x0), v1 = tb_read_u32(x0 + step);
        const uint32_t v2 = tb_read_u32(x2), v3 = tb_read_u32(x2 + step);
        x0 += 4;
        x2 += 4;
        s0 = tb_smlad(tb_sxtb16(v0), wa, s0);
        s0 = tb_smlad(tb_sxtb16_ror8(v0), wb, s0);
        s1 = tb_smlad(tb_sxtb16(v1), wa, s1);
        s1 = tb_smlad(tb_sxtb16_ror8(v1), wb, s1);
        s2 = tb_smlad(tb_sxtb16(v2), wa, s2);
        s2 = tb_smlad(tb_sxtb16_ror8(v2), wb, s2);
        s3 = tb_smlad(tb_sxtb16(v3), wa, s3);
        s3 = tb_smlad(tb_sxtb16_ror8(v3), wb, s3);
    }
    const int8_t *x1 = x0 + step, *x3 = x2 + step;
    const int32_t tail = length & 3;
    if (tail != 0) {
        uint32_t wa, wb, a02, a13;
        tb_read_w2(w, &wa, &wb);
        tb_dsp_tail_pairs(x0, tail, &a02, &a13);
        s0 = tb_smlad(a13, wb, tb_smlad(a02, wa, s0));
        tb_dsp_tail_pairs(x1, tail, &a02, &a13);
        s1 = tb_smlad(a13, wb, tb_smlad(a02, wa, s1));
        tb_dsp_tail_pairs(x2, tail, &a02, &a13);
        s2 = tb_smlad(a13, wb, tb_smlad(a02, wa, s2));
        tb_dsp_tail_pairs(x3, tail, &a02, &a13);
        s3 = tb_smlad(a13, wb, tb_smlad(a02, wa, s3));
    }
    acc[0] = s0;
    acc[1] = s1;
    acc[2] = s2;
    acc[3] = s3;
}

/* One lane, one row: *acc. */
static inline int32_t tb_dsp_dot_l1r1(const int8_t *x, const int16_t *w, int32_t length, int32_t acc)
{
    for (int32_t q = length >> 2; q > 0; q--) {
        uint32_t wa, wb;
        tb_read_w2(w, &wa, &wb);
        w += 16;
        const uint32_t v = tb_read_u32(x);
        x += 4;
        acc = tb_smlad(tb_sxtb16(v), wa, acc);
        acc = tb_smlad(tb_sxtb16_ror8(v), wb, acc);
    }
    const int32_t tail = length & 3;
    if (tail != 0) {
        uint32_t wa, wb, a02, a13;
        tb_read_w2(w, &wa, &wb);
        tb_dsp_tail_pairs(x, tail, &a02, &a13);
        acc = tb_smlad(a13, wb, tb_smlad(a02, wa, acc));
    }
    return acc;
}

/* Two adjacent lanes, two rows x and x + step: acc[row * 2 + lane]. */
static inline void tb_dsp_dot_l2r2(const int8_t *x, size_t step, const int16_t *w, int32_t length,
                                   int32_t acc[4])
{
    const int8_t *x0 = x;
    int32_t s00 = acc[0], s01 = acc[1], s10 = acc[2], s11 = acc[3];
    const int8_t *const end = x0 + (length & ~3);
    while (x0 != end) { /* row 1 read at `step` from row 0: one pointer less to keep */
        uint32_t wa, wb, wc, wd;
        tb_read_w2(w, &wa, &wb);
        tb_read_w2(w + 4, &wc, &wd);
        w += 16;
        const uint32_t v0 = tb_read_u32(x0), v1 = tb_read_u32(x0 + step);
        x0 += 4;
        const uint32_t p0 = tb_sxtb16(v0), r0 = tb_sxtb16_ror8(v0);
        const uint32_t p1 = tb_sxtb16(v1), r1 = tb_sxtb16_ror8(v1);
        s00 = tb_smlad(p0, wa, s00);
        s00 = tb_smlad(r0, wb, s00);
        s01 = tb_smlad(p0, wc, s01);
        s01 = tb_smlad(r0, wd, s01);
        s10 = tb_smlad(p1, wa, s10);
        s10 = tb_smlad(r1, wb, s10);
        s11 = tb_smlad(p1, wc, s11);
        s11 = tb_smlad(r1, wd, s11);
    }
    const int32_t tail = length & 3;
    if (tail != 0) {
        uint32_t wa, wb, wc, wd, a02, a13;
        tb_read_w2(w, &wa, &wb);
        tb_read_w2(w + 4, &wc, &wd);
        tb_dsp_tail_pairs(x0, tail, &a02, &a13);
        s00 = tb_smlad(a13, wb, tb_smlad(a02, wa, s00));
        s01 = tb_smlad(a13, wd, tb_smlad(a02, wc, s01));
        tb_dsp_tail_pairs(x0 + step, tail, &a02, &a13);
        s10 = tb_smlad(a13, wb, tb_smlad(a02, wa, s10));
        s11 = tb_smlad(a13, wd, tb_smlad(a02, wc, s11));
    }
    acc[0] = s00;
    acc[1] = s01;
    acc[2] = s10;
    acc[3] = s11;
}

/* Two adjacent lanes, one row: acc[0..1]. */
static inline void tb_dsp_dot_l2r1(const int8_t *x, const int16_t *w, int32_t length, int32_t acc[2])
{
    int32_t s0 = acc[0], s1 = acc[1];
    for (int32_t q = length >> 2; q > 0; q--) {
        uint32_t wa, wb, wc, wd;
        tb_read_w2(w, &wa, &wb);
        tb_read_w2(w + 4, &wc, &wd);
        w += 16;
        const uint32_t v = tb_read_u32(x);
        x += 4;
        const uint32_t p = tb_sxtb16(v), r = tb_sxtb16_ror8(v);
        s0 = tb_smlad(p, wa, s0);
        s0 = tb_smlad(r, wb, s0);
        s1 = tb_smlad(p, wc, s1);
        s1 = tb_smlad(r, wd, s1);
    }
    const int32_t tail = length & 3;
    if (tail != 0) {
        uint32_t wa, wb, wc, wd, a02, a13;
        tb_read_w2(w, &wa, &wb);
        tb_read_w2(w + 4, &wc, &wd);
        tb_dsp_tail_pairs(x, tail, &a02, &a13);
        s0 = tb_smlad(a13, wb, tb_smlad(a02, wa, s0));
        s1 = tb_smlad(a13, wd, tb_smlad(a02, wc, s1));
    }
    acc[0] = s0;
    acc[1] = s1;
}

/* One output value: requantized, offset, clamped. */
TB_ALWAYS_INLINE int8_t tb_dsp_out1(int32_t acc, const tb_dsp_requant_t *rq, int32_t c, int32_t output_offset,
                                    const tb_activation_t *act)
{
    return (int8_t)tb_requantize(acc, rq->multiplier[c], rq->shift[c], rq->fast, output_offset, act->min,
                                 act->max);
}

/* Channels c0 .. c0 + count - 1 (count 1..3, the lanes of the group at wg) of `rows` rows: two
 * lanes two rows at a time, one lane four rows at a time. Row r's outputs at out + r * stride. */
static __attribute__((noinline, unused)) void tb_dsp_gemm_few(const int8_t *x, int32_t length, int32_t rows,
                                                       size_t x_step, const int16_t *wg, int32_t c0,
                                                       int32_t count, size_t stride,
                                                       const tb_dsp_requant_t *rq, int32_t output_offset,
                                                       const tb_activation_t *act, int8_t *out)
{
    int32_t lane = 0;
    if (count >= 2) {
        const int32_t c = c0, b0 = rq->bias[c], b1 = rq->bias[c + 1];
        int32_t r = 0;
        for (; r + 2 <= rows; r += 2) {
            int32_t acc[4] = {b0, b1, b0, b1};
            tb_dsp_dot_l2r2(x + (size_t)r * x_step, x_step, wg, length, acc);
            int8_t *o = out + (size_t)r * stride + c;
            o[0] = tb_dsp_out1(acc[0], rq, c, output_offset, act);
            o[1] = tb_dsp_out1(acc[1], rq, c + 1, output_offset, act);
            o[stride] = tb_dsp_out1(acc[2], rq, c, output_offset, act);
            o[stride + 1] = tb_dsp_out1(acc[3], rq, c + 1, output_offset, act);
        }
        if (r < rows) {
            int32_t acc[2] = {b0, b1};
            tb_dsp_dot_l2r1(x + (size_t)r * x_step, wg, length, acc);
            int8_t *o = out + (size_t)r * stride + c;
            o[0] = tb_dsp_out1(acc[0], rq, c, output_offset, act);
            o[1] = tb_dsp_out1(acc[1], rq, c + 1, output_offset, act);
        }
        lane = 2;
    }
    if (lane < count) {
        const int32_t c = c0 + lane, b = rq->bias[c];
        const int16_t *w = wg + 4 * lane;
        int32_t r = 0;
        for (; r + 4 <= rows; r += 4) {
            int32_t acc[4] = {b, b, b, b};
            tb_dsp_dot_l1r4(x + (size_t)r * x_step, x_step, w, length, acc);
            int8_t *o = out + (size_t)r * stride + c;
            o[0] = tb_dsp_out1(acc[0], rq, c, output_offset, act);
            o[stride] = tb_dsp_out1(acc[1], rq, c, output_offset, act);
            o[2 * stride] = tb_dsp_out1(acc[2], rq, c, output_offset, act);
            o[3 * stride] = tb_dsp_out1(acc[3], rq, c, output_offset, act);
        }
        for (; r < rows; r++) {
            const int32_t acc = tb_dsp_dot_l1r1(x + (size_t)r * x_step, w, length, b);
            out[(size_t)r * stride + c] = tb_dsp_out1(acc, rq, c, output_offset, act);
        }
    }
}

/*
 * out[r][c] = requantized (bias'[c] + sum_k x[r][k] * w(c, k)) for `rows` rows of a GEMM (pixels
 * of a 1x1 or contiguous-field convolution, im2col rows, batches of a fully connected layer),
 * row r at x + r * x_step, its outputs at out + r * channels: the full
 * groups through the hand-written tb_dsp_gemm_rows_s8 when the constants are packed and the
 * length is whole quads, else through tb_dsp_dot4 and tb_dsp_store_group, and the last 1-3
 * channels through tb_dsp_gemm_few (blocked over rows).
 */
static inline void tb_dsp_gemm_rows(const int8_t *x, int32_t length, int32_t rows, size_t x_step,
                                    const int16_t *weights, int32_t channels,
                                    const tb_dsp_requant_t *rq, int32_t output_offset,
                                    const tb_activation_t *act, int8_t *out)
{
    int32_t first = 0; /* the first channel left to the C path */
    const int32_t full = channels & ~3;
    if (rq->packed != NULL && (length & 3) == 0 && length > 0 && full > 0 && rows > 0) {
        const tb_dsp_gemm_job_t job = {
            .x = x, .w = weights, .packed = rq->packed, .out = out, .x_step = (int32_t)x_step,
            .out_skip = channels & 3, .quads = length >> 2, .groups = channels >> 2, .rows = rows,
            .lo4 = tb_bytes4(act->min), .hi4 = tb_bytes4(act->max),
        };
        tb_dsp_gemm_rows_s8(&job);
        first = full;
    }
    const size_t group_weights = (size_t)((length + 3) / 4) * 16;
    if (first < full) {
        for (int32_t r = 0; r < rows; r++) {
            const int8_t *row = x + (size_t)r * x_step;
            int8_t *o = out + (size_t)r * (size_t)channels;
            const int16_t *w = weights + (size_t)(first / 4) * group_weights;
            for (int32_t c = first; c < full; c += 4) {
                int32_t acc[4] = {rq->bias[c], rq->bias[c + 1], rq->bias[c + 2], rq->bias[c + 3]};
                w = tb_dsp_dot4(row, w, length, acc);
                tb_dsp_store_group(acc, rq, c, 4, output_offset, act, o + c);
            }
        }
    }
    if (full < channels && rows > 0) {
        tb_dsp_gemm_few(x, length, rows, x_step, weights + (size_t)(full / 4) * group_weights, full,
                        channels - full, (size_t)channels, rq, output_offset, act, out);
    }
}

#endif /* TB_DSP_GEMM_H */
