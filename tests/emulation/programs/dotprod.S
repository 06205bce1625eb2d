@ Compute loop for speed measurements: an int8 dot product of two 256-byte
@ vectors in SRAM, repeated REPEATS times, with an IT-block clamp per element.
@ Ends by branching to dot_done, where the measuring run stops.
    .syntax unified
    .thumb
    .equ REPEATS, 2000
    .equ LEN, 256

    .text
    .global _start
_start:                         @ vector table: initial SP, reset handler
    .word 0x20040000
    .word reset + 1

    .thumb_func
    .global reset
reset:
    ldr r0, =0x20000000         @ a[i] = i * 7
    ldr r1, =0x20000100         @ b[i] = 3 - i
    movs r2, #0
fill:
    movs r3, #7
    mul r3, r2, r3
    strb r3, [r0, r2]
    rsb r3, r2, #3
    strb r3, [r1, r2]
    adds r2, #1
    cmp r2, #LEN
    bne fill

    ldr r7, =REPEATS
    movs r6, #0                 @ checksum
outer:
    movs r2, #0
    movs r5, #0                 @ accumulator
inner:
    ldrsb r3, [r0, r2]
    ldrsb r4, [r1, r2]
    smlabb r5, r3, r4, r5
    cmp r5, #0
    it lt
    addlt r5, r5, #1
    adds r2, #1
    cmp r2, #LEN
    bne inner
    add r6, r6, r5
    subs r7, #1
    bne outer
    .thumb_func
    .global dot_done
dot_done:
    b dot_done
