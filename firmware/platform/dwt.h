/* The DWT cycle counter: the bench's only clock. */
#ifndef TB_DWT_H
#define TB_DWT_H

#include <stdint.h>

#include "nrf52840.h"

void tb_dwt_init(void);

/* Inline so a layer measurement costs a single load. */
static inline uint32_t tb_dwt_cycles(void)
{
    return tb_reg_read(TB_DWT_CYCCNT);
}

#endif /* TB_DWT_H */
