/* What differs between the emulator image and one for a real Arduino Nano 33 BLE.
 *
 * The build defines exactly one of TB_TARGET_EMULATOR and TB_TARGET_NANO33BLE
 * (generator/targets.py). */
#ifndef TB_BOARD_H
#define TB_BOARD_H

#include <stdint.h>

#include "nrf52840.h"

#if defined(TB_TARGET_NANO33BLE) == defined(TB_TARGET_EMULATOR)
#error "define exactly one of TB_TARGET_NANO33BLE and TB_TARGET_EMULATOR (the build does)"
#endif

#if defined(TB_TARGET_NANO33BLE)
/* UART0 on the header's TX and RX pins: TX (silkscreen D1/TX) is P1.03, RX (D0/RX) is P1.10.
 * Source: ArduinoCore-mbed, variants/ARDUINO_NANO33BLE/variant.cpp and pins_arduino.h
 * (Serial1's SERIAL1_TX is P1_3, SERIAL1_RX is P1_10); MicroPython's
 * ports/nrf/boards/arduino_nano_33_ble/mpconfigboard.h agrees (UART TX P1.03, RX P1.10).
 * The core's pin table numbers them opposite to the silkscreen (index 0 = P1_3, "D0/TX");
 * the TX/RX roles agree in every source. */
#define TB_BOARD_UART_TX_PORT 1u
#define TB_BOARD_UART_TX_PIN 3u
#define TB_BOARD_UART_RX_PORT 1u
#define TB_BOARD_UART_RX_PIN 10u
#define TB_BOARD_UART_PSEL_TXD TB_PSEL(TB_BOARD_UART_TX_PORT, TB_BOARD_UART_TX_PIN)
#define TB_BOARD_UART_PSEL_RXD TB_PSEL(TB_BOARD_UART_RX_PORT, TB_BOARD_UART_RX_PIN)
#endif /* the emulators need no pins: uart0.c leaves PSEL at its reset value there */

/* Bounded wait for HFCLKSTARTED: the crystal starts in well under a millisecond; a board
 * whose crystal never starts goes on with the internal oscillator instead of hanging. */
#define TB_HFXO_START_POLLS 1000000u

/* Take the core over from the bootloader: it may leave its USB and timer interrupts and
 * SysTick enabled, and the bench firmware polls, so it wants none of them (an interrupt
 * would reach Default_Handler and be reported as a fault). Nothing to undo after a reset. */
static inline void tb_board_take_over(void)
{
#if defined(TB_TARGET_NANO33BLE)
    tb_reg_write(TB_SYST_CSR, 0u);
    for (uint32_t word = 0u; word < TB_NVIC_WORDS; word++) {
        tb_reg_write(TB_NVIC_ICER0 + 4u * word, 0xFFFFFFFFu);
        tb_reg_write(TB_NVIC_ICPR0 + 4u * word, 0xFFFFFFFFu);
    }
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
}

/* Start the clocks the real chip needs (the HFXO on the Nano 33 BLE); nothing for the
 * emulators, whose UART timing does not depend on a clock source. */
static inline void tb_board_clock_init(void)
{
#if defined(TB_TARGET_NANO33BLE)
    tb_reg_write(TB_CLOCK_EVENTS_HFCLKSTARTED, 0u);
    tb_reg_write(TB_CLOCK_TASKS_HFCLKSTART, 1u);
    for (uint32_t polls = 0u; polls < TB_HFXO_START_POLLS; polls++) {
        if (tb_reg_read(TB_CLOCK_EVENTS_HFCLKSTARTED) != 0u) {
            break;
        }
    }
    tb_reg_write(TB_CLOCK_EVENTS_HFCLKSTARTED, 0u);
#endif
}

#endif /* TB_BOARD_H */
