/* Deliberately broken firmware, one failure per CASE (-DCASE=n), built with the bench's real
 * start-up code, fault handler and linker script. Each case first enables the UART (as the
 * bench shell does) so the fault handler's FAULT frame can be read, then fails in tb_case().
 *
 *   1 udf              5 write to unmapped 0x60000000      9 endless loop
 *   2 null call        6 write to 0x40003000 (twi0)       10 float with CPACR cleared
 *   4 bkpt             7 divide by zero, DIV_0_TRP set    11 udf, UsageFault enabled
 *                      8 deep recursion (stack overflow)
 * (3, an unaligned LDRD, is left out: Unicorn 2.1.4 performs it without faulting.)
 */
#include <stdint.h>

#include "nrf52840.h"
#include "uart0.h"

#ifndef CASE
#error "build with -DCASE=n"
#endif

/* Globals the compiler cannot see through, so each failure really happens at run time. */
void (*volatile tb_null_function)(void) = 0;
volatile uint32_t tb_zero = 0u;
volatile float tb_float_in = 1.5f;
volatile float tb_float_out;
volatile uint32_t tb_sink;

__attribute__((noinline)) uint32_t tb_recurse(uint32_t depth)
{
    volatile uint8_t frame[64];
    frame[0] = (uint8_t)depth;
    if (depth == 0u) {
        return frame[0];
    }
    return tb_recurse(depth - 1u) + frame[0];
}

__attribute__((noinline)) void tb_case(void)
{
#if CASE == 1 || CASE == 11
    __asm__ volatile("udf #7");
#elif CASE == 2
    tb_null_function();
#elif CASE == 4
    __asm__ volatile("bkpt #1");
#elif CASE == 5
    tb_reg_write(0x60000000u, 1u);
#elif CASE == 6
    tb_reg_write(0x40003000u, 1u);
#elif CASE == 7
    tb_reg_set_bits(TB_SCB_CCR, 1u << 4);
    tb_sink = 100u / tb_zero;
#elif CASE == 8
    tb_sink = tb_recurse(100000u);
#elif CASE == 9
    for (;;) {
    }
#elif CASE == 10
    tb_reg_write(TB_SCB_CPACR, 0u);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    tb_float_out = tb_float_in * 3.0f;
#endif
}

int main(void)
{
    tb_uart_init();
#if CASE == 11
    tb_reg_set_bits(TB_SCB_SHCSR, 1u << 18); /* USGFAULTENA */
#endif
    tb_case();
    tb_uart_putc('!'); /* not reached */
    for (;;) {
    }
}
