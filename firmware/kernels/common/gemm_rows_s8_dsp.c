/* tb_dsp_gemm_rows_s8 (tb_dsp_gemm.h): the inner GEMM of the optimized contiguous-field and
 * im2col CONV_2D and FULLY_CONNECTED kernels, hand-scheduled for the Cortex-M4.
 *
 * Written as one routine because compiled C could not keep the loop state in registers: with
 * the MAC loop holding 13 of the 14 free registers, GCC spilled and reloaded the constants
 * between the loop and the requantization, ~150 cycles per group of 4 channels. Here the loop
 * counters live in a stack frame and every group costs ~66 cycles besides its MACs:
 *   - biases, multipliers, addends and shifts come from one packed block per group (four LDM);
 *   - the requantization is tb_requant.h's folded form (SMMLAR, shift, SSAT) on four channels;
 *   - the four int8 results are clamped as one word (SSUB8 + SEL) and stored with one STR
 *     (unaligned stores are allowed on the Cortex-M4).
 * The MAC loop is unrolled four quads (a taken branch per 64 MACs); a count of quads that is
 * not a multiple of 4 enters it past the quads it lacks, at an address computed once per call
 * (every quad is 64 bytes of 32-bit instructions).
 *
 * Registers in the MAC loop: r0 input, r1 weights, r2-r5 accumulators, r6/r7 the input pairs,
 * r8-r11 weights (LDM needs them ascending), r12 loop count, lr the packed constants.
 * Stack frame: [sp] row start, [sp+4] loop count, [sp+8] loop entry, [sp+12] groups left,
 * [sp+16] output, [sp+20] rows left, [sp+24] low clamp, [sp+28] high clamp, [sp+32] job.
 */
#include <stddef.h>

#include "common/tb_dsp_gemm.h"

#if defined(__ARM_FEATURE_DSP) && defined(__thumb2__)

_Static_assert(offsetof(tb_dsp_gemm_job_t, x) == 0 && offsetof(tb_dsp_gemm_job_t, w) == 4 &&
                   offsetof(tb_dsp_gemm_job_t, packed) == 8 && offsetof(tb_dsp_gemm_job_t, out) == 12 &&
                   offsetof(tb_dsp_gemm_job_t, x_step) == 16 &&
                   offsetof(tb_dsp_gemm_job_t, out_skip) == 20 &&
                   offsetof(tb_dsp_gemm_job_t, quads) == 24 &&
                   offsetof(tb_dsp_gemm_job_t, groups) == 28 && offsetof(tb_dsp_gemm_job_t, rows) == 32 &&
                   offsetof(tb_dsp_gemm_job_t, lo4) == 36 && offsetof(tb_dsp_gemm_job_t, hi4) == 40,
               "gemm_rows_s8_dsp.c reads tb_dsp_gemm_job_t at fixed offsets");

#define TB_GEMM_QUAD TB_ASM_QUAD("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11")

__attribute__((naked)) void tb_dsp_gemm_rows_s8(const tb_dsp_gemm_job_t *job)
{
    (void)job;
    __asm__ volatile(
        "push    {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"
        "sub     sp, sp, #44\n\t" /* with the 9 pushed registers: 8-byte aligned */
        "str     r0, [sp, #32]\n\t"
        "ldr     r1, [r0, #0]\n\t"
        "str     r1, [sp, #0]\n\t"
        "ldr     r1, [r0, #24]\n\t"
        "adds    r2, r1, #3\n\t"
        "lsrs    r2, r2, #2\n\t"
        "str     r2, [sp, #4]\n\t"
        /* entry of the 4-quad loop: skip (4 - quads % 4) % 4 quads of 64 bytes, Thumb bit set */
        "rsb     r1, r1, #0\n\t"
        "and     r1, r1, #3\n\t"
        "movs    r2, #64\n\t"
        "adr.w   r3, 1f\n\t"
        "mla     r1, r1, r2, r3\n\t"
        "orr     r1, r1, #1\n\t"
        "str     r1, [sp, #8]\n\t"
        "ldr     r1, [r0, #12]\n\t"
        "str     r1, [sp, #16]\n\t"
        "ldr     r1, [r0, #32]\n\t"
        "str     r1, [sp, #20]\n\t"
        "ldr     r1, [r0, #36]\n\t"
        "str     r1, [sp, #24]\n\t"
        "ldr     r1, [r0, #40]\n\t"
        "str     r1, [sp, #28]\n\t"
        /* one row */
        "4:\n\t"
        "ldr     r0, [sp, #32]\n\t"
        "ldr     r1, [r0, #4]\n\t"
        "ldr     lr, [r0, #8]\n\t"
        "ldr     r2, [r0, #28]\n\t"
        "str     r2, [sp, #12]\n\t"
        /* one group of 4 channels */
        "3:\n\t"
        "ldmia   lr!, {r2, r3, r4, r5}\n\t"
        "ldr     r0, [sp, #0]\n\t"
        "ldr     r12, [sp, #4]\n\t"
        "ldr     r6, [sp, #8]\n\t"
        "bx      r6\n\t"
        "1:\n\t" TB_GEMM_QUAD TB_GEMM_QUAD TB_GEMM_QUAD TB_GEMM_QUAD
        "subs    r12, r12, #1\n\t"
        "bne     1b\n\t"
        /* requantize: multipliers, addends (+ sign), SMMLAR on the doubled sums, shifts */
        "ldmia   lr!, {r8, r9, r10, r11}\n\t"
        "ldmia   lr!, {r0, r6, r7, r12}\n\t"
        "add     r0, r0, r2, asr #31\n\t"
        "add     r6, r6, r3, asr #31\n\t"
        "add     r7, r7, r4, asr #31\n\t"
        "add     r12, r12, r5, asr #31\n\t"
        "lsls    r2, r2, #1\n\t"
        "lsls    r3, r3, #1\n\t"
        "lsls    r4, r4, #1\n\t"
        "lsls    r5, r5, #1\n\t"
        "smmlar  r2, r2, r8, r0\n\t"
        "smmlar  r3, r3, r9, r6\n\t"
        "smmlar  r4, r4, r10, r7\n\t"
        "smmlar  r5, r5, r11, r12\n\t"
        "ldmia   lr!, {r8, r9, r10, r11}\n\t"
        "asr     r2, r2, r8\n\t"
        "asr     r3, r3, r9\n\t"
        "asr     r4, r4, r10\n\t"
        "asr     r5, r5, r11\n\t"
        "ssat    r2, #8, r2\n\t"
        "ssat    r3, #8, r3\n\t"
        "ssat    r4, #8, r4\n\t"
        "ssat    r5, #8, r5\n\t"
        "bfi     r2, r3, #8, #8\n\t"
        "bfi     r2, r4, #16, #8\n\t"
        "bfi     r2, r5, #24, #8\n\t"
        /* clamp the four lanes, store them */
        "ldrd    r0, r6, [sp, #24]\n\t"
        TB_ASM_CLAMP4("r2", "r0", "r6", "r7")
        "ldr     r0, [sp, #16]\n\t"
        "str     r2, [r0], #4\n\t"
        "str     r0, [sp, #16]\n\t"
        "ldr     r6, [sp, #12]\n\t"
        "subs    r6, r6, #1\n\t"
        "str     r6, [sp, #12]\n\t"
        "bne     3b\n\t"
        /* next row */
        "ldr     r6, [sp, #32]\n\t"
        "ldr     r0, [sp, #16]\n\t"
        "ldr     r7, [r6, #20]\n\t"
        "add     r0, r0, r7\n\t"
        "str     r0, [sp, #16]\n\t"
        "ldr     r0, [sp, #0]\n\t"
        "ldr     r7, [r6, #16]\n\t"
        "add     r0, r0, r7\n\t"
        "str     r0, [sp, #0]\n\t"
        "ldr     r0, [sp, #20]\n\t"
        "subs    r0, r0, #1\n\t"
        "str     r0, [sp, #20]\n\t"
        "bne     4b\n\t"
        "add     sp, sp, #44\n\t"
        "pop     {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n\t");
}

#else /* the same arithmetic in C (host builds) */

void tb_dsp_gemm_rows_s8(const tb_dsp_gemm_job_t *job)
{
    const int8_t *row = job->x;
    int8_t *out = job->out;
    for (int32_t r = 0; r < job->rows; r++) {
        const int16_t *w = job->w;
        const int32_t *q = job->packed;
        for (int32_t g = 0; g < job->groups; g++) {
            int32_t acc[4] = {q[0], q[1], q[2], q[3]};
            w = tb_dsp_dot4(row, w, job->quads * 4, acc);
            uint32_t word = tb_requant4(acc[0], acc[1], acc[2], acc[3], q);
            word = tb_clamp4(word, job->lo4, job->hi4);
            memcpy(out, &word, sizeof word);
            out += 4;
            q += TB_RQ4_WORDS;
        }
        out += job->out_skip;
        row += job->x_step;
    }
}

#endif
