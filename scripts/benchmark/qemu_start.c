/* The GEMM for QEMU's mps2-an386 (Cortex-M4): a two-entry vector table, FPU on, the work, then
 * semihosting SYS_EXIT (ADP_Stopped_ApplicationExit) so qemu-system-arm exits. */
#include <stdint.h>

#include "gemm.h"

extern uint32_t __stack_top;
void qemu_reset(void);

__attribute__((section(".isr_vector"), used)) void *const qemu_vectors[2] = {
    &__stack_top,
    (void *)qemu_reset,
};

#define SYS_EXIT 0x18u
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

void qemu_reset(void)
{
    *(volatile uint32_t *)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    gemm_run();
    bench_done();
    register uint32_t op __asm__("r0") = SYS_EXIT;
    register uint32_t arg __asm__("r1") = ADP_STOPPED_APPLICATION_EXIT;
    __asm__ volatile("bkpt 0xAB" : : "r"(op), "r"(arg) : "memory");
    for (;;) {
    }
}
