@ DWT CYCCNT around known sequences, CPACR write (FPU enable), CPUID read.
@ r9: CYCCNT read 1 instruction after writing 0        -> 1
@ r6: delta around ldr + 6 instructions (same block)     -> 7
@ r8: delta around ldr + movs + 100 x (subs, bne)        -> 202
@ r7: CPUID                                              -> 0x410FC241
    .syntax unified
    .thumb
    .fpu fpv4-sp-d16
    .text
    .global _start
_start:
    .word 0x20040000
    .word reset + 1

    .thumb_func
reset:
    ldr r0, =0xE000EDFC         @ DEMCR.TRCENA
    ldr r1, [r0]
    orr r1, r1, #0x01000000
    str r1, [r0]
    ldr r0, =0xE0001000
    movs r1, #1
    str r1, [r0]                @ DWT_CTRL.CYCCNTENA
    movs r1, #0
    str r1, [r0, #4]            @ CYCCNT = 0
    ldr r4, [r0, #4]            @ t0
    movs r2, #5
    cmp r2, #5
    ite ne
    movne r3, #1
    moveq r3, #2
    nop
    ldr r5, [r0, #4]            @ t1, same block as t0
    sub r6, r5, r4
    mov r9, r4

    ldr r4, [r0, #4]
    movs r1, #100
1:  subs r1, #1
    bne 1b
    ldr r5, [r0, #4]
    sub r8, r5, r4

    ldr r0, =0xE000ED88         @ CPACR: enable CP10/CP11 (the FPU)
    ldr r1, [r0]
    orr r1, r1, #(0xF << 20)
    str r1, [r0]
    dsb
    isb
    vmov s0, r6
    vadd.f32 s1, s0, s0
    ldr r0, =0xE000ED00         @ CPUID
    ldr r7, [r0]
    .thumb_func
    .global dwt_done
dwt_done:
    b dwt_done
