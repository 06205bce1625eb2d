"""A real board on a serial port, behind the same Engine interface as the emulators."""

DEFAULT_BAUD = 115200  # the bench firmware's UART0 rate (TB_UART_BAUD_115200 in firmware/platform/uart0.c)
