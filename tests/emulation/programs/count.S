@ Hand-counted loop: 4 prologue instructions + 1000 iterations x 10 instructions
@ = 10004 instructions before count_done. Two IT blocks per iteration, whose
@ conditions pass in some iterations and fail in others.
    .syntax unified
    .thumb
    .text
    .global _start
_start:
    .word 0x20040000
    .word reset + 1

    .thumb_func
reset:
    movs r0, #0                 @ 1
    ldr r1, =1000               @ 2
    movs r2, #0                 @ 3
    movs r3, #0                 @ 4
loop:
    adds r0, #1                 @ 1
    cmp r0, #500                @ 2
    ite lt                      @ 3
    addlt r2, r2, #1            @ 4: passes for r0 < 500
    subge r2, r2, #1            @ 5: passes for r0 >= 500
    itt gt                      @ 6
    addgt r3, r3, #1            @ 7: passes for r0 > 500 only
    addgt r3, r3, #1            @ 8
    subs r1, #1                 @ 9
    bne loop                    @ 10
    .thumb_func
    .global count_done
count_done:
    b count_done
