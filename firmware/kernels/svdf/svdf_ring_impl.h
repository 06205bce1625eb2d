/* The ring form of the optimized int8 SVDF (tb_svdf.h, tb_svdf_ring_params_t) for an int16 or
 * int8 state; TB_DEFINE_SVDF_RING instantiates it (svdf_s8_s16_ring_dsp.c, svdf_s8_ring_dsp.c).
 *
 * Per batch: the feature sums of 4 filters at a time (common/tb_dsp_gemm.h's tb_dsp_dot4 on the
 * int16 weights, the input zero point folded into their starting values), kept on the stack for
 * up to TB_SVDF_RING_CHUNK filters, then rescaled into the state type, clamped, plus the state
 * zero point, and stored at the ring slot of each filter's oldest value; then per unit the time
 * dot products of its filters (the state zero point folded into unit_bias), rescaled to int8.
 * All sums wrap in 32 bits like TFLM's, so folding and reordering them leaves every value as
 * TFLM's EvalIntegerSvdfReference computes it. Each loop is a function of its own
 * (noinline), one per rescaling form, so that its constants stay in registers. */
#ifndef TB_SVDF_RING_IMPL_H
#define TB_SVDF_RING_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_dsp_gemm.h"
#include "common/tb_requant.h"
#include "svdf/svdf_dsp_common.h"

enum { TB_SVDF_RING_CHUNK = 64 }; /* filters whose feature sums are on the stack at once (a multiple of 4) */

/* Feature sums of `count` filters (bias and weights of the first one), 4 at a time (the last
 * group padded with zero weights and starting values). Returns the weights after them. */
static inline const int16_t *tb_svdf_ring_sums(const int8_t *in, int32_t size, const int16_t *weights,
                                               const int32_t *bias, int32_t count, int32_t *sums)
{
    for (int32_t f = 0; f < count; f += 4) {
        int32_t acc[4] = {bias[f], bias[f + 1], bias[f + 2], bias[f + 3]};
        weights = tb_dsp_dot4(in, weights, size, acc);
        sums[f] = acc[0];
        sums[f + 1] = acc[1];
        sums[f + 2] = acc[2];
        sums[f + 3] = acc[3];
    }
    return weights;
}

/* TFLM: the rescaled sum clamped to the state type, then the zero point added (the store wraps
 * as its cast does); `step` values from one filter's slot to the next's. */
TB_ALWAYS_INLINE void tb_svdf_ring_put(const int32_t *sums, int32_t count, uint8_t *slot, size_t step,
                                       const tb_rescale_exact_t *rq, int32_t zero_point, int bytes, int right)
{
    const tb_rescale_exact_t r = *rq;
    for (int32_t i = 0; i < count; i++) {
        const int32_t v = tb_rescale_clamped(sums[i], &r, right);
        if (bytes == 2) {
#if defined(__ARM_FEATURE_DSP)
            *(int16_t *)(void *)slot = (int16_t)(__ssat(v, 16) + zero_point);
#else
            *(int16_t *)(void *)slot = (int16_t)(tb_clamp_s32(v, -32768, 32767) + zero_point);
#endif
        } else {
            *(int8_t *)slot = (int8_t)(tb_ssat8(v) + zero_point);
        }
        slot += step;
    }
}

/* sum of w[m] * s[m], m < memory, added to acc: `fours` = memory / 4 runs of 4, then
 * `rest` = memory % 4; w and s are advanced past the values read. */
TB_ALWAYS_INLINE int32_t tb_svdf_ring_dot4(const uint8_t **w, const uint8_t **s, int32_t fours, int32_t rest,
                                           int32_t acc, int bytes)
{
    const uint8_t *wp = *w, *sp = *s;
    for (int32_t i = fours; i > 0; i--) {
        const uint32_t w0 = tb_read_u32(wp), s0 = tb_read_u32(sp);
        if (bytes == 2) {
            const uint32_t w1 = tb_read_u32(wp + 4), s1 = tb_read_u32(sp + 4);
            acc = tb_smlad(w0, s0, acc);
            acc = tb_smlad(w1, s1, acc);
        } else {
            acc = tb_smlad(tb_sxtb16(w0), tb_sxtb16(s0), acc);
            acc = tb_smlad(tb_sxtb16_ror8(w0), tb_sxtb16_ror8(s0), acc);
        }
        wp += 4 * bytes;
        sp += 4 * bytes;
    }
    if (rest != 0) {
        acc = bytes == 2 ? tb_svdf_ring_dot_s16((const int16_t *)(const void *)wp, (const int16_t *)(const void *)sp,
                                                rest, acc)
                         : tb_svdf_ring_dot_s8((const int8_t *)wp, (const int8_t *)sp, rest, acc);
        wp += rest * bytes;
        sp += rest * bytes;
    }
    *w = wp;
    *s = sp;
    return acc;
}

/* Every unit's output of one batch: bias (state zero point folded in) plus its `rank` filters'
 * time dot products, rescaled, plus the output zero point (wrapping, as TFLM's int32 addition),
 * saturated to int8. `weights` already points `offset` values into the first doubled row, whose
 * second half it skips after each filter. */
TB_ALWAYS_INLINE void tb_svdf_ring_out(const uint8_t *weights, const uint8_t *state, const int32_t *bias,
                                       int8_t *out, int32_t units, int32_t rank, int32_t memory,
                                       const tb_rescale_exact_t *rq, int32_t output_zero_point, int bytes, int right)
{
    const tb_rescale_exact_t r = *rq;
    const size_t row = (size_t)memory * (size_t)bytes;
    const int32_t fours = memory >> 2, rest = memory & 3;
    int8_t *const end = out + units;
    while (out != end) {
        int32_t acc = *bias++;
        for (int32_t k = rank; k > 0; k--) {
            acc = tb_svdf_ring_dot4(&weights, &state, fours, rest, acc, bytes);
            weights += row;
        }
        const int32_t v = tb_rescale_exact(acc, &r, right);
        *out++ = (int8_t)tb_ssat8((int32_t)((uint32_t)v + (uint32_t)output_zero_point));
    }
}

/* Rank 1 on the Cortex-M4: the unit loop in asm, its constants read per unit from this block
 * (field offsets are fixed: the asm reads them), so that nothing spills. */
typedef struct {
    int32_t multiplier;  /*  0 */
    uint32_t round_lo;   /*  4: shift <= -1 only */
    int32_t round_hi;    /*  8: shift <= -1 only */
    int32_t shift;       /* 12: e - 1 (shift = -e <= -1), else the left shift */
    int32_t zero_point;  /* 16: the output's */
    int32_t fours;       /* 20: memory / 4 */
    int32_t rest;        /* 24: memory % 4 */
    int32_t unused;      /* 28 */
    const int8_t *end;   /* 32: past the last output */
} tb_svdf_ring_job_t;

#if defined(__ARM_FEATURE_DSP)
/* acc += the dot product of the `fours` runs of 4 values at w and s (both post-incremented). */
#define TB_SVDF_ASM_FOURS_S16                          \
    "ldr     %[n], [%[p], #20]\n\t"                    \
    "cmp     %[n], #0\n\t"                             \
    "beq     3f\n\t"                                   \
    "2:\n\t"                                           \
    "ldr     %[a0], [%[w]], #4\n\t"                    \
    "ldr     %[b0], [%[s]], #4\n\t"                    \
    "ldr     %[a1], [%[w]], #4\n\t"                    \
    "ldr     %[b1], [%[s]], #4\n\t"                    \
    "smlad   %[acc], %[a0], %[b0], %[acc]\n\t"         \
    "smlad   %[acc], %[a1], %[b1], %[acc]\n\t"         \
    "subs    %[n], %[n], #1\n\t"                       \
    "bne     2b\n\t"                                   \
    "3:\n\t"
#define TB_SVDF_ASM_FOURS_S8                           \
    "ldr     %[n], [%[p], #20]\n\t"                    \
    "cmp     %[n], #0\n\t"                             \
    "beq     3f\n\t"                                   \
    "2:\n\t"                                           \
    "ldr     %[a0], [%[w]], #4\n\t"                    \
    "ldr     %[b0], [%[s]], #4\n\t"                    \
    "sxtb16  %[a1], %[a0]\n\t"                         \
    "sxtb16  %[b1], %[b0]\n\t"                         \
    "sxtb16  %[a0], %[a0], ror #8\n\t"                 \
    "sxtb16  %[b0], %[b0], ror #8\n\t"                 \
    "smlad   %[acc], %[a1], %[b1], %[acc]\n\t"         \
    "smlad   %[acc], %[a0], %[b0], %[acc]\n\t"         \
    "subs    %[n], %[n], #1\n\t"                       \
    "bne     2b\n\t"                                   \
    "3:\n\t"
/* The last memory % 4 values: LSLS #31 puts bit 1 of the count in C (two more) and bit 0 in N
 * (one more); none skips it all. */
#define TB_SVDF_ASM_REST_S16                           \
    "ldr     %[n], [%[p], #24]\n\t"                    \
    "cmp     %[n], #0\n\t"                             \
    "beq     5f\n\t"                                   \
    "lsls    %[n], %[n], #31\n\t"                      \
    "ittt    cs\n\t"                                   \
    "ldrcs   %[a0], [%[w]], #4\n\t"                    \
    "ldrcs   %[b0], [%[s]], #4\n\t"                    \
    "smladcs %[acc], %[a0], %[b0], %[acc]\n\t"         \
    "ittt    mi\n\t"                                   \
    "ldrshmi %[a0], [%[w]], #2\n\t"                    \
    "ldrshmi %[b0], [%[s]], #2\n\t"                    \
    "smlabbmi %[acc], %[a0], %[b0], %[acc]\n\t"        \
    "5:\n\t"
#define TB_SVDF_ASM_REST_S8                            \
    "ldr     %[n], [%[p], #24]\n\t"                    \
    "cmp     %[n], #0\n\t"                             \
    "beq     5f\n\t"                                   \
    "lsls    %[n], %[n], #31\n\t"                      \
    "bcc     4f\n\t"                                   \
    "ldrsb   %[a0], [%[w]], #1\n\t"                    \
    "ldrsb   %[b0], [%[s]], #1\n\t"                    \
    "ldrsb   %[a1], [%[w]], #1\n\t"                    \
    "ldrsb   %[b1], [%[s]], #1\n\t"                    \
    "smlabb  %[acc], %[a0], %[b0], %[acc]\n\t"         \
    "smlabb  %[acc], %[a1], %[b1], %[acc]\n\t"         \
    "4:\n\t"                                           \
    "ittt    mi\n\t"                                   \
    "ldrsbmi %[a0], [%[w]], #1\n\t"                    \
    "ldrsbmi %[b0], [%[s]], #1\n\t"                    \
    "smlabbmi %[acc], %[a0], %[b0], %[acc]\n\t"        \
    "5:\n\t"
/* tb_rescale_exact_right of acc into b1, then + zero point, SSAT #8 and the store. */
#define TB_SVDF_ASM_OUT_RIGHT                          \
    "ldrd    %[a0], %[b0], [%[p], #0]\n\t"             \
    "ldrd    %[a1], %[b1], [%[p], #8]\n\t"             \
    "asr     %[n], %[acc], #31\n\t"                    \
    "adds    %[b0], %[b0], %[n], lsl #31\n\t"          \
    "adc     %[a1], %[a1], %[n]\n\t"                   \
    "smlal   %[b0], %[a1], %[acc], %[a0]\n\t"          \
    "asr     %[acc], %[a1], %[b1]\n\t"                 \
    "ldr     %[n], [%[p], #16]\n\t"                    \
    "add     %[acc], %[acc], %[n]\n\t"                 \
    "ssat    %[acc], #8, %[acc]\n\t"                   \
    "strb    %[acc], [%[out]], #1\n\t"
/* tb_rescale_exact_left of acc (2^30 + x' m from an SMLAL, bits 31..62), then the same. */
#define TB_SVDF_ASM_OUT_LEFT                           \
    "ldr     %[a0], [%[p], #0]\n\t"                    \
    "ldr     %[b1], [%[p], #12]\n\t"                   \
    "lsl     %[acc], %[acc], %[b1]\n\t"                \
    "mov     %[b0], #0x40000000\n\t"                   \
    "mov     %[a1], #0\n\t"                            \
    "smlal   %[b0], %[a1], %[acc], %[a0]\n\t"          \
    "lsr     %[b0], %[b0], #31\n\t"                    \
    "orr     %[acc], %[b0], %[a1], lsl #1\n\t"         \
    "ldr     %[n], [%[p], #16]\n\t"                    \
    "add     %[acc], %[acc], %[n]\n\t"                 \
    "ssat    %[acc], #8, %[acc]\n\t"                   \
    "strb    %[acc], [%[out]], #1\n\t"
/* Per unit: its bias, its weights at wd + 2 x its state row's address (the doubled rows are twice
 * as long as the state's), the dot product, the rescaled output; until out reaches end. */
#define TB_SVDF_ASM_UNITS(fours, rest, rescale)                                                       \
    __asm__ volatile("1:\n\t"                                                                          \
                     "ldr     %[acc], [%[bias]], #4\n\t"                                               \
                     "add     %[w], %[wd], %[s], lsl #1\n\t" fours rest rescale                         \
                     "cmp     %[out], %[end]\n\t"                                                      \
                     "bne     1b\n\t"                                                                  \
                     : [w] "=&r"(w), [s] "+r"(s), [bias] "+r"(bias), [out] "+r"(out), [acc] "=&r"(acc), \
                       [n] "=&r"(n), [a0] "=&r"(a0), [b0] "=&r"(b0), [a1] "=&r"(a1), [b1] "=&r"(b1)     \
                     : [p] "r"(job), [wd] "r"(wd), [end] "r"(job->end)                                  \
                     : "cc", "memory")
#endif

/* Rank 1, at least one unit: out[u] for every unit (tb_svdf_ring_out's arithmetic). */
TB_ALWAYS_INLINE void tb_svdf_ring_out_rank1(const tb_svdf_ring_job_t *job, const uint8_t *w, const uint8_t *s,
                                             const int32_t *bias, int8_t *out, const tb_rescale_exact_t *rq,
                                             int32_t memory, int bytes, int right)
{
#if defined(__ARM_FEATURE_DSP)
    (void)rq;
    (void)memory;
    uint32_t acc, n, a0, b0, a1, b1;
    /* w - 2 s, the same for every unit (modulo 2^32, as the asm adds it back). */
    const uint32_t wd = (uint32_t)(uintptr_t)w - 2u * (uint32_t)(uintptr_t)s;
    if (bytes == 2 && right) {
        TB_SVDF_ASM_UNITS(TB_SVDF_ASM_FOURS_S16, TB_SVDF_ASM_REST_S16, TB_SVDF_ASM_OUT_RIGHT);
    } else if (bytes == 2) {
        TB_SVDF_ASM_UNITS(TB_SVDF_ASM_FOURS_S16, TB_SVDF_ASM_REST_S16, TB_SVDF_ASM_OUT_LEFT);
    } else if (right) {
        TB_SVDF_ASM_UNITS(TB_SVDF_ASM_FOURS_S8, TB_SVDF_ASM_REST_S8, TB_SVDF_ASM_OUT_RIGHT);
    } else {
        TB_SVDF_ASM_UNITS(TB_SVDF_ASM_FOURS_S8, TB_SVDF_ASM_REST_S8, TB_SVDF_ASM_OUT_LEFT);
    }
#else
    tb_svdf_ring_out(w, s, bias, out, (int32_t)(job->end - out), 1, memory, rq, job->zero_point, bytes, right);
#endif
}

static inline tb_svdf_ring_job_t tb_svdf_ring_job_of(const tb_rescale_exact_t *rq, int32_t zero_point,
                                                     int32_t memory, const int8_t *end)
{
    const tb_svdf_ring_job_t job = {
        .multiplier = rq->multiplier, .round_lo = rq->round_lo, .round_hi = rq->round_hi,
        .shift = rq->shift < 0 ? rq->right_minus_1 : rq->shift, .zero_point = zero_point, .fours = memory >> 2,
        .rest = memory & 3, .unused = 0, .end = end,
    };
    return job;
}

/* One step's outputs: the rank-1 path for rank 1, the general one otherwise (`right`: the ring's
 * direction, a constant at each call so each wrapper keeps one loop). */
TB_ALWAYS_INLINE void tb_svdf_ring_outputs(const uint8_t *w, const uint8_t *s, const int32_t *bias, int8_t *out,
                                           const tb_svdf_dims_t *d, const tb_rescale_exact_t *rq, int32_t zp,
                                           int bytes, int right)
{
    const int32_t units = d->num_filters / d->rank;
    if (d->rank == 1 && units > 0) {
        const tb_svdf_ring_job_t job = tb_svdf_ring_job_of(rq, zp, d->memory_size, out + units);
        tb_svdf_ring_out_rank1(&job, w, s, bias, out, rq, d->memory_size, bytes, right);
    } else {
        tb_svdf_ring_out(w, s, bias, out, units, d->rank, d->memory_size, rq, zp, bytes, right);
    }
}

/* The kernel `name` for state_t (int16_t or int8_t, `bytes` its size). */
#define TB_DEFINE_SVDF_RING(name, state_t, bytes)                                                                \
    __attribute__((noinline)) static void name##_put_right(const int32_t *sums, int32_t count, uint8_t *slot,    \
                                                           size_t step, const tb_rescale_exact_t *rq, int32_t zp)  \
    {                                                                                                             \
        tb_svdf_ring_put(sums, count, slot, step, rq, zp, bytes, 1);                                              \
    }                                                                                                             \
    __attribute__((noinline)) static void name##_put_left(const int32_t *sums, int32_t count, uint8_t *slot,     \
                                                          size_t step, const tb_rescale_exact_t *rq, int32_t zp)   \
    {                                                                                                             \
        tb_svdf_ring_put(sums, count, slot, step, rq, zp, bytes, 0);                                              \
    }                                                                                                             \
    __attribute__((noinline)) static void name##_out_right(const uint8_t *w, const uint8_t *s, const int32_t *bias, \
                                                           int8_t *out, const tb_svdf_dims_t *d,                  \
                                                           const tb_rescale_exact_t *rq, int32_t zp)               \
    {                                                                                                             \
        tb_svdf_ring_outputs(w, s, bias, out, d, rq, zp, bytes, 1);                                               \
    }                                                                                                             \
    __attribute__((noinline)) static void name##_out_left(const uint8_t *w, const uint8_t *s, const int32_t *bias, \
                                                          int8_t *out, const tb_svdf_dims_t *d,                   \
                                                          const tb_rescale_exact_t *rq, int32_t zp)                \
    {                                                                                                             \
        tb_svdf_ring_outputs(w, s, bias, out, d, rq, zp, bytes, 0);                                               \
    }                                                                                                             \
    tb_status_t name(const tb_svdf_ring_params_t *params, const int8_t *input, const int16_t *feature_weights,     \
                     const int32_t *feature_bias, const state_t *time_weights, const int32_t *unit_bias,           \
                     state_t *state, int32_t *ring, int8_t *output)                                                \
    {                                                                                                             \
        if (params == NULL || input == NULL || feature_weights == NULL || feature_bias == NULL ||                 \
            time_weights == NULL || unit_bias == NULL || state == NULL || ring == NULL || output == NULL ||       \
            !tb_svdf_dims_valid(&params->dims) || !tb_rescale_exact_valid(params->feature_quant) ||               \
            !tb_rescale_exact_valid(params->output_quant)) {                                                       \
            return TB_ERR_ARG;                                                                                    \
        }                                                                                                         \
        const tb_svdf_dims_t *d = &params->dims;                                                                  \
        const int32_t slot = *ring, memory = d->memory_size, filters = d->num_filters;                           \
        if (slot < 0 || slot >= memory) {                                                                         \
            return TB_ERR_ARG;                                                                                    \
        }                                                                                                         \
        const int32_t next = slot + 1 == memory ? 0 : slot + 1;                                                   \
        const tb_rescale_exact_t frq = tb_rescale_exact_of(params->feature_quant);                                 \
        const tb_rescale_exact_t orq = tb_rescale_exact_of(params->output_quant);                                  \
        const size_t batch_state = (size_t)filters * (size_t)memory;                                              \
        /* Ring slot p of a filter holds the value of age (p - next) mod memory: its weight is the              \
         * doubled row's value memory - next + p. */                                                              \
        const uint8_t *weights = (const uint8_t *)(time_weights + (memory - next));                              \
        const int32_t units = filters / d->rank;                                                                  \
        int32_t sums[TB_SVDF_RING_CHUNK];                                                                         \
        for (int32_t b = 0; b < d->batches; b++) {                                                                \
            const int8_t *in = input + (size_t)b * (size_t)d->input_size;                                         \
            state_t *st = state + (size_t)b * batch_state;                                                        \
            const int16_t *fw = feature_weights;                                                                  \
            for (int32_t f = 0; f < filters; f += TB_SVDF_RING_CHUNK) {                                           \
                const int32_t count = filters - f < TB_SVDF_RING_CHUNK ? filters - f : TB_SVDF_RING_CHUNK;       \
                fw = tb_svdf_ring_sums(in, d->input_size, fw, feature_bias + f, count, sums);                     \
                uint8_t *at = (uint8_t *)(st + (size_t)f * (size_t)memory + slot);                                \
                if (params->feature_quant.shift < 0) {                                                            \
                    name##_put_right(sums, count, at, (size_t)memory * (bytes), &frq, params->state_zero_point); \
                } else {                                                                                          \
                    name##_put_left(sums, count, at, (size_t)memory * (bytes), &frq, params->state_zero_point);  \
                }                                                                                                 \
            }                                                                                                     \
            int8_t *out = output + (size_t)b * (size_t)units;                                                     \
            if (params->output_quant.shift < 0) {                                                                 \
                name##_out_right(weights, (const uint8_t *)st, unit_bias, out, d, &orq, params->output_zero_point); \
            } else {                                                                                              \
                name##_out_left(weights, (const uint8_t *)st, unit_bias, out, d, &orq, params->output_zero_point); \
            }                                                                                                     \
        }                                                                                                         \
        *ring = next;                                                                                             \
        return TB_OK;                                                                                             \
    }

#endif /* TB_SVDF_RING_IMPL_H */
