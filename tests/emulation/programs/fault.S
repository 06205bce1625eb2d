@ One failure per CASE (-DCASE=n): 1 udf mid-block, 2 unmapped read mid-block,
@ 3 access to a declared-but-unmodelled TIMER0, 4 branch to self, 5 bkpt.
@ Each case runs 2 instructions in reset, then 3 in its function, then fails.
    .syntax unified
    .thumb
    .text
    .global _start
_start:
    .word 0x20040000
    .word reset + 1

    .thumb_func
reset:
    movs r7, #7
    bl tb_case

    .thumb_func
    .global tb_case
tb_case:
    movs r0, #1
    movs r1, #2
#if CASE == 1
    adds r0, r1
    udf #0
#elif CASE == 2
    ldr r1, =0x60000000
    ldr r2, [r1]
#elif CASE == 3
    ldr r1, =0x40008000
    str r0, [r1]                @ TIMER0 TASKS_START
#elif CASE == 4
    adds r0, r1
spin:
    b spin
#elif CASE == 5
    adds r0, r1
    bkpt #1
#endif
    movs r3, #3
    b .
