/* PAD for 32-bit elements: float32 (pad value +0.0f or PADV2's constant), int32. */
#include "pad/tb_pad_impl.h"

TB_DEFINE_PAD(tb_pad_x32, uint32_t)
