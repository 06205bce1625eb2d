/* DWT CYCCNT read at known places relative to translation-block starts (a block ends at a
 * branch), with hand-counted instructions between the reads. The firmware sends the seven raw
 * CYCCNT values over UART0 (7 x 4 little-endian bytes).
 *
 * An emulator that charges a block's instructions when the block starts or ends, and samples
 * CYCCNT from that count, sees reads 0 and 1 (and 4 and 5) in one block as equal; silicon and
 * an exact emulator count every instruction before the reading one:
 *   read0 -> read1: ldr, str, nop, nop, nop                  = 5 (one block)
 *   read1 -> read2: ldr, str, b | nop                        = 4 (read2 is 2nd of its block)
 *   read2 -> read3: ldr, str, b                              = 3 (read3 starts a block)
 *   read3 -> read4: ldr, str, b                              = 3
 *   read4 -> read5: ldr, str, movs, cmp, ite, movne, moveq   = 7 (the failed movne counts)
 *   read5 -> read6: ldr, str, b                              = 3 */
#include <stdint.h>

#include "dwt.h"
#include "nrf52840.h"
#include "uart0.h"

static volatile uint32_t s_reads[7];

int main(void)
{
    tb_uart_init();
    tb_dwt_init();
    __asm__ volatile(
        "b 1f\n\t"
        "1: ldr r3, [%1]\n\t"       /* read0: first of its block */
        "str r3, [%0, #0]\n\t"
        "nop\n\t"
        "nop\n\t"
        "nop\n\t"
        "ldr r3, [%1]\n\t"          /* read1: 6th of the same block */
        "str r3, [%0, #4]\n\t"
        "b 2f\n\t"
        "2: nop\n\t"
        "ldr r3, [%1]\n\t"          /* read2 */
        "str r3, [%0, #8]\n\t"
        "b 3f\n\t"
        "3: ldr r3, [%1]\n\t"       /* read3 */
        "str r3, [%0, #12]\n\t"
        "b 4f\n\t"
        "4: ldr r3, [%1]\n\t"       /* read4 */
        "str r3, [%0, #16]\n\t"
        "movs r2, #5\n\t"
        "cmp r2, #5\n\t"
        "ite ne\n\t"
        "movne r2, #1\n\t"
        "moveq r2, #2\n\t"
        "ldr r3, [%1]\n\t"          /* read5: same block as read4 */
        "str r3, [%0, #20]\n\t"
        "b 5f\n\t"
        "5: ldr r3, [%1]\n\t"       /* read6 */
        "str r3, [%0, #24]\n\t"
        :
        : "r"(s_reads), "r"(TB_DWT_CYCCNT)
        : "r2", "r3", "cc", "memory");
    uint32_t reads[7];
    for (int i = 0; i < 7; i++) {
        reads[i] = s_reads[i];
    }
    tb_uart_write(reads, sizeof reads);
    for (;;) {
    }
}
