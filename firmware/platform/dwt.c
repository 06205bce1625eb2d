#include "dwt.h"

void tb_dwt_init(void)
{
    /* The DWT ignores writes until trace is enabled in DEMCR. */
    tb_reg_set_bits(TB_SCB_DEMCR, TB_DEMCR_TRCENA);
    tb_reg_write(TB_DWT_CYCCNT, 0u);
    tb_reg_set_bits(TB_DWT_CTRL, TB_DWT_CTRL_CYCCNTENA);
}
