@ UART0 (legacy) echo: enable, start RX and TX, send 'H', then forever:
@ wait for a byte, send it back plus one.
    .syntax unified
    .thumb
    .text
    .global _start
_start:
    .word 0x20040000
    .word reset + 1

    .equ UART0, 0x40002000
    .equ STARTRX, 0x000
    .equ STARTTX, 0x008
    .equ RXDRDY, 0x108
    .equ TXDRDY, 0x11C
    .equ ENABLE, 0x500
    .equ RXD, 0x518
    .equ TXD, 0x51C

    .thumb_func
reset:
    ldr r0, =UART0
    movs r1, #4
    str r1, [r0, #ENABLE]
    movs r1, #1
    str r1, [r0, #STARTTX]
    str r1, [r0, #STARTRX]
    movs r2, #'H'
    bl putc
loop:
    bl getc
    adds r2, #1
    bl putc
    b loop

    .thumb_func
getc:
    ldr r1, [r0, #RXDRDY]
    cmp r1, #0
    beq getc
    movs r1, #0
    str r1, [r0, #RXDRDY]
    ldr r2, [r0, #RXD]
    bx lr

    .thumb_func
putc:
    str r2, [r0, #TXD]
1:  ldr r1, [r0, #TXDRDY]
    cmp r1, #0
    beq 1b
    movs r1, #0
    str r1, [r0, #TXDRDY]
    bx lr
