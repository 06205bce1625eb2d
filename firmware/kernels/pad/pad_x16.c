/* PAD for 16-bit elements: int16. */
#include "pad/tb_pad_impl.h"

TB_DEFINE_PAD(tb_pad_x16, uint16_t)
