/* tb_dsp_gemm_pair_s8 (tb_dsp_gemm_pairs.h): two pixels' pair rows against every full group of
 * 4 output channels, hand-scheduled for the Cortex-M4.
 *
 * Per quad (32 MACs): 4 input words, 8 weight words, 16 SMLAD. Each half quad loads its two
 * input pairs and two weight words back to back (a load right after another costs 1 cycle),
 * runs four SMLAD, loads the next two weight words and runs four more: 16 cycles per 16 MACs.
 * Post-indexed loads walk the weights' (k0, k2) words of the 4 channels, then their (k1, k3)
 * words, so no instruction but the loads moves the pointers.
 *
 * Registers in the MAC loop: r0 pair rows, r1 weights, r2-r5 pixel 0's accumulators, r6-r9
 * pixel 1's, r10/r11 the input pairs, r12/lr weight words: every free register, so the loop
 * ends when r0 reaches the rows' end, read from the stack. The loop is unrolled 8 quads (a
 * taken branch and the end test per 256 MACs) and entered past the quads a count that is not a
 * multiple of 8 lacks, at an address computed once per call (every quad is 112 bytes of 32-bit
 * instructions, checked at assembly).
 * Stack frame: [sp] rows start, [sp+4] rows end, [sp+8] loop entry, [sp+12] groups left,
 * [sp+16] output, [sp+20] pixel 1's output delta, [sp+24] low clamp, [sp+28] high clamp,
 * [sp+32] the group's packed constants.
 */
#include <stddef.h>
#include <string.h>

#include "common/tb_dsp_gemm_pairs.h"

#if defined(__ARM_FEATURE_DSP) && defined(__thumb2__)

_Static_assert(offsetof(tb_dsp_pair_job_t, x) == 0 && offsetof(tb_dsp_pair_job_t, w) == 4 &&
                   offsetof(tb_dsp_pair_job_t, packed) == 8 && offsetof(tb_dsp_pair_job_t, out) == 12 &&
                   offsetof(tb_dsp_pair_job_t, out_delta) == 16 && offsetof(tb_dsp_pair_job_t, quads) == 20 &&
                   offsetof(tb_dsp_pair_job_t, groups) == 24 && offsetof(tb_dsp_pair_job_t, lo4) == 28 &&
                   offsetof(tb_dsp_pair_job_t, hi4) == 32,
               "gemm_pairs_s8_dsp.c reads tb_dsp_pair_job_t at fixed offsets");

/* Half a quad: input pairs from [r0] (post-incremented), four channels' weight words at r1,
 * r1 + 8, r1 + 16, r1 + 24 (the post-increments step 8, 8, 8 and then `last`, which leaves r1
 * on the next half's first word). */
#define TB_PAIR_HALF(last)                          \
    "ldr.w   r10, [r0], #4\n\t"                     \
    "ldr.w   r11, [r0], #4\n\t"                     \
    "ldr.w   r12, [r1], #8\n\t"                     \
    "ldr.w   lr, [r1], #8\n\t"                      \
    "smlad   r2, r10, r12, r2\n\t"                  \
    "smlad   r6, r11, r12, r6\n\t"                  \
    "smlad   r3, r10, lr, r3\n\t"                   \
    "smlad   r7, r11, lr, r7\n\t"                   \
    "ldr.w   r12, [r1], #8\n\t"                     \
    "ldr.w   lr, [r1], #" last "\n\t"               \
    "smlad   r4, r10, r12, r4\n\t"                  \
    "smlad   r8, r11, r12, r8\n\t"                  \
    "smlad   r5, r10, lr, r5\n\t"                   \
    "smlad   r9, r11, lr, r9\n\t"

/* (k0, k2) words at weight offsets 0, 8, 16, 24, back to 4; (k1, k3) at 4 .. 28, on to 32. */
#define TB_PAIR_QUAD TB_PAIR_HALF("-20") TB_PAIR_HALF("4")

__attribute__((naked)) void tb_dsp_gemm_pair_s8(const tb_dsp_pair_job_t *job)
{
    (void)job;
    __asm__ volatile(
        "push    {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"
        "sub     sp, sp, #36\n\t" /* with the 9 pushed registers: 8-byte aligned */
        "ldr     r1, [r0, #0]\n\t"
        "ldr     r2, [r0, #20]\n\t"
        "str     r1, [sp, #0]\n\t"
        "add     r3, r1, r2, lsl #4\n\t"
        "str     r3, [sp, #4]\n\t"
        /* entry of the 8-quad loop: skip (8 - quads % 8) % 8 quads of 112 bytes, Thumb bit set */
        "rsb     r2, r2, #0\n\t"
        "and     r2, r2, #7\n\t"
        "movs    r3, #112\n\t"
        "adr.w   r4, 1f\n\t"
        "mla     r2, r2, r3, r4\n\t"
        "orr     r2, r2, #1\n\t"
        "str     r2, [sp, #8]\n\t"
        "ldr     r2, [r0, #24]\n\t"
        "str     r2, [sp, #12]\n\t"
        "ldr     r2, [r0, #12]\n\t"
        "str     r2, [sp, #16]\n\t"
        "ldr     r2, [r0, #16]\n\t"
        "str     r2, [sp, #20]\n\t"
        "ldr     r2, [r0, #28]\n\t"
        "str     r2, [sp, #24]\n\t"
        "ldr     r2, [r0, #32]\n\t"
        "str     r2, [sp, #28]\n\t"
        "ldr     r2, [r0, #8]\n\t"
        "str     r2, [sp, #32]\n\t"
        "ldr     r1, [r0, #4]\n\t"
        /* one group of 4 channels: both pixels start from its biases */
        "3:\n\t"
        "ldr     r0, [sp, #32]\n\t"
        "ldmia   r0, {r2, r3, r4, r5}\n\t"
        "mov     r6, r2\n\t"
        "mov     r7, r3\n\t"
        "mov     r8, r4\n\t"
        "mov     r9, r5\n\t"
        "ldr     r0, [sp, #0]\n\t"
        "ldr     r10, [sp, #8]\n\t"
        "bx      r10\n\t"
        "1:\n\t" TB_PAIR_QUAD TB_PAIR_QUAD TB_PAIR_QUAD TB_PAIR_QUAD TB_PAIR_QUAD TB_PAIR_QUAD TB_PAIR_QUAD
        TB_PAIR_QUAD
        "2:\n\t"
        ".if (2b - 1b) != 896\n\t"
        ".error \"tb_dsp_gemm_pair_s8: a quad must be 112 bytes\"\n\t"
        ".endif\n\t"
        "ldr     r10, [sp, #4]\n\t"
        "cmp     r0, r10\n\t"
        "bne     1b\n\t"
        /* requantize both pixels (doubled sums), pack, clamp, store a word each */
        "ldr     r0, [sp, #32]\n\t"
        "lsls    r2, r2, #1\n\t"
        "lsls    r3, r3, #1\n\t"
        "lsls    r4, r4, #1\n\t"
        "lsls    r5, r5, #1\n\t"
        TB_ASM_REQUANT4("r0", "16", "r2", "r3", "r4", "r5", "r10", "r11", "r12", "lr")
        "lsls    r6, r6, #1\n\t"
        "lsls    r7, r7, #1\n\t"
        "lsls    r8, r8, #1\n\t"
        "lsls    r9, r9, #1\n\t"
        TB_ASM_REQUANT4("r0", "16", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "lr")
        "adds    r0, r0, #64\n\t"
        "str     r0, [sp, #32]\n\t"
        "ldrd    r10, r11, [sp, #24]\n\t"
        TB_ASM_CLAMP4("r2", "r10", "r11", "r12")
        TB_ASM_CLAMP4("r6", "r10", "r11", "r12")
        "ldrd    r3, r4, [sp, #16]\n\t"
        "str     r2, [r3]\n\t"
        "str     r6, [r3, r4]\n\t"
        "adds    r3, r3, #4\n\t"
        "str     r3, [sp, #16]\n\t"
        "ldr     r5, [sp, #12]\n\t"
        "subs    r5, r5, #1\n\t"
        "str     r5, [sp, #12]\n\t"
        "bne     3b\n\t"
        "add     sp, sp, #36\n\t"
        "pop     {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n\t");
}

#else /* the same arithmetic in C (host builds) */

void tb_dsp_gemm_pair_s8(const tb_dsp_pair_job_t *job)
{
    const int16_t *w = job->w;
    const int32_t *q = job->packed;
    int8_t *out = job->out;
    const size_t group_weights = (size_t)job->quads * 16;
    for (int32_t g = 0; g < job->groups; g++, w += group_weights, q += TB_RQ4_WORDS, out += 4) {
        int32_t a[4], b[4];
        for (int32_t lane = 0; lane < 4; lane++) {
            tb_pair_dot_lane(job->x, w, lane, job->quads, q[TB_RQ4_BIAS + lane], &a[lane], &b[lane]);
        }
        const uint32_t w0 = tb_clamp4(tb_requant4(a[0], a[1], a[2], a[3], q), job->lo4, job->hi4);
        const uint32_t w1 = tb_clamp4(tb_requant4(b[0], b[1], b[2], b[3], q), job->lo4, job->hi4);
        memcpy(out, &w0, sizeof w0);
        memcpy(out + job->out_delta, &w1, sizeof w1);
    }
}

#endif
