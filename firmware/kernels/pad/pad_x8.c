/* PAD for 8-bit elements: int8 (pad value: the output zero point or PADV2's constant), uint8. */
#include "pad/tb_pad_impl.h"

TB_DEFINE_PAD(tb_pad_x8, uint8_t)
