/* Register addresses of the nRF52840 and Cortex-M4 peripherals the bench shell touches. */
#ifndef TB_NRF52840_H
#define TB_NRF52840_H

#include <stdint.h>

/* Legacy UART0 (not UARTE: Renode's EasyDMA model loses bytes on continuous reception). */
#define TB_UART0_BASE 0x40002000u
#define TB_UART_TASKS_STARTRX (TB_UART0_BASE + 0x000u)
#define TB_UART_TASKS_STARTTX (TB_UART0_BASE + 0x008u)
#define TB_UART_EVENTS_RXDRDY (TB_UART0_BASE + 0x108u)
#define TB_UART_EVENTS_TXDRDY (TB_UART0_BASE + 0x11Cu)
#define TB_UART_EVENTS_ERROR (TB_UART0_BASE + 0x124u)
#define TB_UART_ENABLE (TB_UART0_BASE + 0x500u)
#define TB_UART_RXD (TB_UART0_BASE + 0x518u)
#define TB_UART_TXD (TB_UART0_BASE + 0x51Cu)
#define TB_UART_BAUDRATE (TB_UART0_BASE + 0x524u)
#define TB_UART_CONFIG (TB_UART0_BASE + 0x56Cu)

#define TB_UART_PSEL_TXD (TB_UART0_BASE + 0x50Cu)
#define TB_UART_PSEL_RXD (TB_UART0_BASE + 0x514u)

#define TB_UART_ENABLE_UART 4u
#define TB_UART_BAUD_115200 0x01D7E000u

/* PSEL.xxx: PIN in bits 4:0, PORT in bit 5, CONNECT in bit 31 (0 = connected). */
#define TB_PSEL(port, pin) ((((uint32_t)(port) & 1u) << 5) | ((uint32_t)(pin) & 0x1Fu))

/* CLOCK: the 64 MHz crystal oscillator (HFXO) the UART's baud rate accuracy needs. */
#define TB_CLOCK_BASE 0x40000000u
#define TB_CLOCK_TASKS_HFCLKSTART (TB_CLOCK_BASE + 0x000u)
#define TB_CLOCK_EVENTS_HFCLKSTARTED (TB_CLOCK_BASE + 0x100u)

/* NVIC (nRF52840: 48 interrupts, two words of each register) and SysTick */
#define TB_NVIC_ICER0 0xE000E180u
#define TB_NVIC_ICPR0 0xE000E280u
#define TB_NVIC_WORDS 2u
#define TB_SYST_CSR 0xE000E010u

/* System Control Block */
#define TB_SCB_VTOR 0xE000ED08u
#define TB_SCB_CCR 0xE000ED14u
#define TB_SCB_SHCSR 0xE000ED24u
#define TB_SCB_CPACR 0xE000ED88u
#define TB_SCB_CFSR 0xE000ED28u
#define TB_SCB_HFSR 0xE000ED2Cu
#define TB_SCB_MMFAR 0xE000ED34u
#define TB_SCB_BFAR 0xE000ED38u
#define TB_SCB_DEMCR 0xE000EDFCu

#define TB_CPACR_CP10_CP11_FULL (0xFu << 20)
#define TB_DEMCR_TRCENA (1u << 24)

/* Data Watchpoint and Trace unit */
#define TB_DWT_CTRL 0xE0001000u
#define TB_DWT_CYCCNT 0xE0001004u
#define TB_DWT_CTRL_CYCCNTENA (1u << 0)

static inline uint32_t tb_reg_read(uint32_t addr)
{
    return *(volatile const uint32_t *)(uintptr_t)addr;
}

static inline void tb_reg_write(uint32_t addr, uint32_t value)
{
    *(volatile uint32_t *)(uintptr_t)addr = value;
}

static inline void tb_reg_set_bits(uint32_t addr, uint32_t bits)
{
    tb_reg_write(addr, tb_reg_read(addr) | bits);
}

#endif /* TB_NRF52840_H */
