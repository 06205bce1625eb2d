/* A hand-counted instruction sequence between two DWT CYCCNT reads, on the real start-up code
 * and linker script. The firmware sends the delta over UART0 as 4 little-endian bytes.
 *
 * Counted: the first CYCCNT load (1) + movs (1) + 100 iterations of 10 instructions (two IT
 * blocks whose conditions pass or fail; skipped instructions count, as on silicon) = 1002.
 * The second load is not counted: CYCCNT is sampled before it retires. */
#include <stdint.h>

#include "dwt.h"
#include "nrf52840.h"
#include "uart0.h"

int main(void)
{
    tb_uart_init();
    tb_dwt_init();
    uint32_t t0, t1;
    __asm__ volatile(
        "movs r1, #0\n\t"
        "movs r3, #0\n\t"
        "ldr %0, [%2]\n\t"        /* 1: t0 */
        "movs r2, #100\n\t"       /* 2 */
        "1:\n\t"
        "adds r1, #1\n\t"         /* 1 */
        "cmp r1, #50\n\t"         /* 2 */
        "ite lt\n\t"              /* 3 */
        "addlt r3, r3, #1\n\t"    /* 4: condition fails half of the time, still counts */
        "subge r3, r3, #1\n\t"    /* 5 */
        "itt gt\n\t"              /* 6 */
        "addgt r3, r3, #2\n\t"    /* 7 */
        "addgt r3, r3, #2\n\t"    /* 8 */
        "subs r2, #1\n\t"         /* 9 */
        "bne 1b\n\t"              /* 10 */
        "ldr %1, [%2]\n\t"
        : "=&r"(t0), "=&r"(t1)
        : "r"(TB_DWT_CYCCNT)
        : "r1", "r2", "r3", "cc", "memory");
    const uint32_t delta = t1 - t0;
    tb_uart_write(&delta, sizeof delta);
    for (;;) {
    }
}
