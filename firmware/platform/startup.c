/* Vector table and reset: the only code that runs before main. */
#include <stdint.h>

#include "board.h"
#include "nrf52840.h"

/* Linker script symbols: only their addresses mean anything. */
extern uint32_t __stack_top;
extern uint32_t __data_load__;
extern uint32_t __data_start__;
extern uint32_t __data_end__;
extern uint32_t __bss_start__;
extern uint32_t __bss_end__;

typedef void (*tb_init_fn_t)(void);
extern const tb_init_fn_t __init_array_start[];
extern const tb_init_fn_t __init_array_end[];

extern int main(void);

void Reset_Handler(void);

/* In fault.c: every exception we do not expect is reported like a fault. */
void NMI_Handler(void);
void HardFault_Handler(void);
void MemManage_Handler(void);
void BusFault_Handler(void);
void UsageFault_Handler(void);
void SVC_Handler(void);
void DebugMon_Handler(void);
void PendSV_Handler(void);
void SysTick_Handler(void);
void Default_Handler(void);

typedef void (*tb_handler_t)(void);

/* Word 0 is a stack address, the rest are handlers. */
typedef union {
    tb_handler_t handler;
    void *stack;
} tb_vector_t;

#define TB_N_IRQS 48 /* nRF52840 peripheral interrupts */
#define TB_IRQ {.handler = Default_Handler}
#define TB_IRQ8 TB_IRQ, TB_IRQ, TB_IRQ, TB_IRQ, TB_IRQ, TB_IRQ, TB_IRQ, TB_IRQ

__attribute__((section(".isr_vector"), used))
const tb_vector_t tb_vector_table[16 + TB_N_IRQS] = {
    [0] = {.stack = &__stack_top},
    [1] = {.handler = Reset_Handler},
    [2] = {.handler = NMI_Handler},
    [3] = {.handler = HardFault_Handler},
    [4] = {.handler = MemManage_Handler},
    [5] = {.handler = BusFault_Handler},
    [6] = {.handler = UsageFault_Handler},
    [11] = {.handler = SVC_Handler},
    [12] = {.handler = DebugMon_Handler},
    [14] = {.handler = PendSV_Handler},
    [15] = {.handler = SysTick_Handler},
    TB_IRQ8, TB_IRQ8, TB_IRQ8, TB_IRQ8, TB_IRQ8, TB_IRQ8, /* TB_N_IRQS of them */
};

void Reset_Handler(void)
{
    /* Before anything else: the compiler may use FP registers even for plain copies. */
    tb_reg_set_bits(TB_SCB_CPACR, TB_CPACR_CP10_CP11_FULL);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    /* Exceptions use this image's table wherever it is linked: 0x0 for the emulators (VTOR's
     * reset value, so harmless), 0x10000 after the Nano 33 BLE's bootloader. */
    tb_reg_write(TB_SCB_VTOR, (uint32_t)(uintptr_t)tb_vector_table);
    __asm__ volatile("dsb\n\tisb" ::: "memory");
    tb_board_take_over();
    tb_board_clock_init();

    const uint32_t *src = &__data_load__;
    for (uint32_t *dst = &__data_start__; dst < &__data_end__;) {
        *dst++ = *src++;
    }
    for (uint32_t *dst = &__bss_start__; dst < &__bss_end__;) {
        *dst++ = 0u;
    }
    /* C++ constructors, after .data and .bss hold their start values (none in C firmware). */
    for (const tb_init_fn_t *init = __init_array_start; init < __init_array_end; init++) {
        (*init)();
    }

    main();
    for (;;) {
    }
}
