#include "uart0.h"

#include "board.h"
#include "nrf52840.h"

void tb_uart_init(void)
{
#if defined(TB_TARGET_NANO33BLE)
    /* Pins before ENABLE: the UART takes them when it is enabled. */
    tb_reg_write(TB_UART_PSEL_TXD, TB_BOARD_UART_PSEL_TXD);
    tb_reg_write(TB_UART_PSEL_RXD, TB_BOARD_UART_PSEL_RXD);
#endif
    tb_reg_write(TB_UART_ENABLE, TB_UART_ENABLE_UART);
    tb_reg_write(TB_UART_BAUDRATE, TB_UART_BAUD_115200);
    tb_reg_write(TB_UART_CONFIG, 0u); /* 8N1, no flow control */
    tb_reg_write(TB_UART_EVENTS_TXDRDY, 0u);
    tb_reg_write(TB_UART_TASKS_STARTRX, 1u);
    tb_reg_write(TB_UART_TASKS_STARTTX, 1u);
}

bool tb_uart_is_enabled(void)
{
    return tb_reg_read(TB_UART_ENABLE) == TB_UART_ENABLE_UART;
}

void tb_uart_putc(uint8_t byte)
{
    tb_reg_write(TB_UART_TXD, byte);
    while (tb_reg_read(TB_UART_EVENTS_TXDRDY) == 0u) {
    }
    tb_reg_write(TB_UART_EVENTS_TXDRDY, 0u);
}

void tb_uart_write(const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        tb_uart_putc(p[i]);
    }
}

uint8_t tb_uart_getc(void)
{
    while (tb_reg_read(TB_UART_EVENTS_RXDRDY) == 0u) {
    }
    /* Clear before reading RXD so a byte arriving right after is not missed. */
    tb_reg_write(TB_UART_EVENTS_RXDRDY, 0u);
    return (uint8_t)tb_reg_read(TB_UART_RXD);
}
