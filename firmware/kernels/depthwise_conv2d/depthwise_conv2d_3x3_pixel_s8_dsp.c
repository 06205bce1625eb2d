/* tb_dw3x3_pixel_s8 (depthwise_conv2d_dsp_common.h): the full groups of 4 channels of one
 * output pixel of the optimized 3x3 DEPTHWISE_CONV_2D, hand-scheduled for the Cortex-M4.
 *
 * Written as one routine for the same reason as the GEMM (common/gemm_rows_s8_dsp.c): compiled
 * C ran out of registers over the nine taps and reloaded tap pointers and constants from the
 * stack, ~100 cycles per group besides the 36 MACs. Here a group costs 9 x 11 cycles of taps
 * and ~50 for its biases, requantization (tb_requant.h's folded form on the doubled sums, the
 * packed constants of tb_depthwise_conv_dsp_params_t.packed), clamp and one word store.
 *
 * A run of adjacent pixels (an output row's interior) is one call: every tap moves by the same
 * step, so one register offset (r11: the pixel's step times its index plus the group's 4 bytes
 * per group) serves all nine tap pointers.
 *
 * Registers: r1 weights, r2-r5 accumulators (channels 0-3), r6/r7 the input pairs, r8/r9 the
 * weight pairs, r10 the job (its tap pointers first), r11 the byte offset, r12 a tap pointer, lr
 * the packed constants. Stack frame: [sp] output, [sp+4] groups left, [sp+8] low clamp,
 * [sp+12] high clamp, [sp+16] pixels left.
 */
#include <stddef.h>

#include "depthwise_conv2d/depthwise_conv2d_dsp_common.h"

#if defined(__ARM_FEATURE_DSP) && defined(__thumb2__)

_Static_assert(offsetof(tb_dw3x3_job_t, taps) == 0 && offsetof(tb_dw3x3_job_t, w) == 36 &&
                   offsetof(tb_dw3x3_job_t, packed) == 40 && offsetof(tb_dw3x3_job_t, out) == 44 &&
                   offsetof(tb_dw3x3_job_t, groups) == 48 && offsetof(tb_dw3x3_job_t, lo4) == 52 &&
                   offsetof(tb_dw3x3_job_t, hi4) == 56 && offsetof(tb_dw3x3_job_t, pixels) == 60 &&
                   offsetof(tb_dw3x3_job_t, step) == 64,
               "depthwise_conv2d_3x3_pixel_s8_dsp.c reads tb_dw3x3_job_t at fixed offsets");

/* One tap k: its input word for this group, its two weight words, four MACs (the filter layout
 * [c0, c2, c1, c3] pairs with SXTB16's lanes). */
#define TB_DW_TAP(k)                               \
    "ldr     r12, [r10, #" #k " * 4]\n\t"          \
    "ldr     r7, [r12, r11]\n\t"                   \
    "ldr     r8, [r1], #4\n\t"                     \
    "ldr     r9, [r1], #4\n\t"                     \
    "sxtb16  r6, r7\n\t"                           \
    "sxtb16  r7, r7, ror #8\n\t"                   \
    "smlabb  r2, r6, r8, r2\n\t"                   \
    "smlatt  r4, r6, r8, r4\n\t"                   \
    "smlabb  r3, r7, r9, r3\n\t"                   \
    "smlatt  r5, r7, r9, r5\n\t"

__attribute__((naked)) void tb_dw3x3_pixel_s8(const tb_dw3x3_job_t *job)
{
    (void)job;
    __asm__ volatile(
        "push    {r4, r5, r6, r7, r8, r9, r10, r11, lr}\n\t"
        "sub     sp, sp, #28\n\t"
        "mov     r10, r0\n\t"
        "ldr     r2, [r0, #44]\n\t"
        "ldr     r4, [r0, #52]\n\t"
        "ldr     r5, [r0, #56]\n\t"
        "ldr     r6, [r0, #60]\n\t"
        "str     r2, [sp, #0]\n\t"
        "str     r4, [sp, #8]\n\t"
        "str     r5, [sp, #12]\n\t"
        "str     r6, [sp, #16]\n\t"
        "movs    r11, #0\n\t"
        /* one output pixel */
        "2:\n\t"
        "ldr     r1, [r10, #36]\n\t"
        "ldr     lr, [r10, #40]\n\t"
        "ldr     r3, [r10, #48]\n\t"
        "str     r3, [sp, #4]\n\t"
        /* one group of 4 channels */
        "1:\n\t"
        "ldmia   lr!, {r2, r3, r4, r5}\n\t"
        TB_DW_TAP(0) TB_DW_TAP(1) TB_DW_TAP(2) TB_DW_TAP(3) TB_DW_TAP(4) TB_DW_TAP(5)
        TB_DW_TAP(6) TB_DW_TAP(7) TB_DW_TAP(8)
        /* requantize the doubled sums: multipliers at lr (after the biases' LDM) */
        TB_ASM_REQUANT4("lr", "0", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9")
        "add     lr, lr, #48\n\t"
        /* clamp the four lanes, store them, next group */
        "ldrd    r6, r7, [sp, #8]\n\t"
        TB_ASM_CLAMP4("r2", "r6", "r7", "r8")
        "ldr     r6, [sp, #0]\n\t"
        "str     r2, [r6], #4\n\t"
        "str     r6, [sp, #0]\n\t"
        "add     r11, r11, #4\n\t"
        "ldr     r6, [sp, #4]\n\t"
        "subs    r6, r6, #1\n\t"
        "str     r6, [sp, #4]\n\t"
        "bne     1b\n\t"
        /* next pixel: every tap moves by step, back over this pixel's groups */
        "ldr     r2, [r10, #48]\n\t"
        "ldr     r3, [r10, #64]\n\t"
        "sub     r11, r11, r2, lsl #2\n\t"
        "add     r11, r11, r3\n\t"
        "ldr     r2, [sp, #16]\n\t"
        "subs    r2, r2, #1\n\t"
        "str     r2, [sp, #16]\n\t"
        "bne     2b\n\t"
        "add     sp, sp, #28\n\t"
        "pop     {r4, r5, r6, r7, r8, r9, r10, r11, pc}\n\t");
}

#else /* the same arithmetic in C (host builds) */

void tb_dw3x3_pixel_s8(const tb_dw3x3_job_t *job)
{
    int8_t *out = job->out;
    for (int32_t p = 0; p < job->pixels; p++) {
        const int16_t *w = job->w;
        const int32_t *q = job->packed;
        const size_t offset = (size_t)p * (size_t)job->step;
        for (int32_t g = 0; g < job->groups; g++, q += TB_RQ4_WORDS, out += 4) {
            int32_t a0 = q[0], a1 = q[1], a2 = q[2], a3 = q[3];
            for (int32_t t = 0; t < 9; t++, w += 4) {
                TB_DW_TAP4(tb_read_u32(job->taps[t] + offset + 4 * (size_t)g), w, a0, a1, a2, a3);
            }
            const uint32_t word = tb_clamp4(tb_requant4_doubled(a0, a1, a2, a3, q), job->lo4, job->hi4);
            __builtin_memcpy(out, &word, sizeof word);
        }
    }
}

#endif
