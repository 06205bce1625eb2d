/* Blocking byte I/O on the legacy UART0. */
#ifndef TB_UART0_H
#define TB_UART0_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Starts the receiver too: bytes sent to a stopped receiver are lost. */
void tb_uart_init(void);
bool tb_uart_is_enabled(void);

void tb_uart_putc(uint8_t byte);
void tb_uart_write(const void *data, size_t len);
uint8_t tb_uart_getc(void);

#endif /* TB_UART0_H */
