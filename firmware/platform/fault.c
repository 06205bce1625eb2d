/* Fault reporting: one FAULT frame (docs/protocol.md) with the CPU state, then halt.
 *
 * After a stack overflow the core could not stack a frame (SP is below RAM): the frame is
 * then not read (that would fault again and lock up) and its words are sent as zeros, with
 * the SP the handler found, so the host can still name the overflow. */
#include <stdint.h>

#include "nrf52840.h"
#include "tb_board_facts.h" /* TB_RAM_START/END: the board's RAM, written by the build */
#include "protocol.h"
#include "uart0.h"

#define TB_FAULT_STACK_BYTES 512u
#define TB_EXC_RETURN_PSP (1u << 2)
#define TB_EXC_RETURN_NO_FP (1u << 4)
#define TB_XPSR_REALIGNED (1u << 9)
#define TB_BASIC_FRAME_WORDS 8u
#define TB_FP_FRAME_WORDS 26u /* + s0-s15, FPSCR and a reserved word */
#define TB_FAULT_PAYLOAD (4u * 14u)

/* A stack of its own: the fault may be an overflow, and the stacked frame must survive us. */
__attribute__((used, aligned(8))) uint8_t tb_fault_stack[TB_FAULT_STACK_BYTES];

__attribute__((used, noreturn)) void tb_fault_report(const uint32_t *frame, uint32_t exc_return);

/* Naked: the compiler must not push anything before we have read LR (EXC_RETURN) and SP. */
__attribute__((naked)) void tb_fault_entry(void)
{
    __asm__ volatile("tst lr, #4\n\t"
                     "ite eq\n\t"
                     "mrseq r0, msp\n\t"
                     "mrsne r0, psp\n\t"
                     "mov r1, lr\n\t"
                     "movw r2, #:lower16:tb_fault_stack + 512\n\t"
                     "movt r2, #:upper16:tb_fault_stack + 512\n\t"
                     "mov sp, r2\n\t"
                     "b tb_fault_report\n\t");
}

_Static_assert(TB_FAULT_STACK_BYTES == 512u, "keep in sync with tb_fault_entry");

void HardFault_Handler(void) __attribute__((alias("tb_fault_entry")));
void MemManage_Handler(void) __attribute__((alias("tb_fault_entry")));
void BusFault_Handler(void) __attribute__((alias("tb_fault_entry")));
void UsageFault_Handler(void) __attribute__((alias("tb_fault_entry")));
/* Nothing enables interrupts, so any other exception is a bug worth the same report. */
void NMI_Handler(void) __attribute__((alias("tb_fault_entry")));
void SVC_Handler(void) __attribute__((alias("tb_fault_entry")));
void DebugMon_Handler(void) __attribute__((alias("tb_fault_entry")));
void PendSV_Handler(void) __attribute__((alias("tb_fault_entry")));
void SysTick_Handler(void) __attribute__((alias("tb_fault_entry")));
void Default_Handler(void) __attribute__((alias("tb_fault_entry")));

void tb_fault_report(const uint32_t *frame, uint32_t exc_return)
{
    uint32_t ipsr;
    __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));

    /* The SP the faulting code had: the hardware frame popped, and the alignment pad too. */
    const uint32_t words = (exc_return & TB_EXC_RETURN_NO_FP) ? TB_BASIC_FRAME_WORDS
                                                              : TB_FP_FRAME_WORDS;
    const uint32_t frame_at = (uint32_t)(uintptr_t)frame;
    const int frame_ok = frame_at >= TB_RAM_START && frame_at <= TB_RAM_END - 4u * words;
    const uint32_t pad = (frame_ok && (frame[7] & TB_XPSR_REALIGNED)) ? 4u : 0u;
    const uint32_t sp = frame_at + 4u * words + pad;

    /* A fault before main has no UART yet. */
    if (!tb_uart_is_enabled()) {
        tb_uart_init();
    }
    tb_tx_t tx;
    tb_tx_begin(&tx, TB_MSG_FAULT, 0u, TB_FAULT_PAYLOAD);
    tb_tx_u32(&tx, ipsr & 0x1FFu);
    for (uint32_t i = 0; i < TB_BASIC_FRAME_WORDS; i++) {
        tb_tx_u32(&tx, frame_ok ? frame[i] : 0u);
    }
    tb_tx_u32(&tx, tb_reg_read(TB_SCB_CFSR));
    tb_tx_u32(&tx, tb_reg_read(TB_SCB_HFSR));
    tb_tx_u32(&tx, tb_reg_read(TB_SCB_MMFAR));
    tb_tx_u32(&tx, tb_reg_read(TB_SCB_BFAR));
    tb_tx_u32(&tx, sp);
    tb_tx_end(&tx);
    for (;;) {
    }
}
