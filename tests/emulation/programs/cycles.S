@ Estimated cycles of a known sequence, by the timing model of docs/cycle-model.md.
@ Cycles are in the comments; "+P" is the refill (2) of a taken branch.
@ Block A 9 + block B 72 + P + loop (3 + P + 2 + P + 2) = 94 cycles, 35 instructions.
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
    ldr r0, =0xE000ED88         @ 2  CPACR: enable CP10/CP11
    ldr r1, =0x00F00000         @ 1  assembled as mov.w (an encodable immediate)
    str r1, [r0]                @ 2  not pipelined: a mov came before
    dsb                         @ 1
    isb                         @ 3  1 + P: flushes the pipeline
    movs r0, #0                 @ 1
    ldr r1, =0x20001000         @ 2
    ldr r2, [r1]                @ 1
    str r2, [r1, #4]            @ 1
    adds r0, #1                 @ 1
    ldr r3, [r1]                @ 2
    muls r2, r3, r2             @ 1
    mla r2, r3, r2, r0          @ 1
    smull r4, r5, r2, r3        @ 1
    push {r4, r5, lr}           @ 4  1 + N
    pop {r4, r5}                @ 3
    sdiv r0, r2, r3             @ 7  2..12, the model's midpoint
    vadd.f32 s0, s1, s2         @ 1
    vmul.f32 s0, s0, s1         @ 1
    vmla.f32 s0, s1, s2         @ 3
    vdiv.f32 s0, s1, s2         @ 14
    vsqrt.f32 s0, s1            @ 14
    vldr s3, [r1]               @ 2
    vstr s3, [r1, #8]           @ 2
    vpush {s4-s5}               @ 3  1 + N
    vpop {s4-s5}                @ 3
    ldrd r4, r5, [r1]           @ 3
    b 1f                        @ 1 + P
    nop                         @ skipped
1:  movs r1, #3                 @ 1
2:  subs r1, #1                 @ 1, 1, 1
    bne 2b                      @ 1 + P, 1 + P, 1
    .thumb_func
    .global cycles_done
cycles_done:
    b cycles_done
