/* MIRROR_PAD for 8-bit elements (int8). */
#include "mirror_pad/mirror_pad_impl.h"

TB_DEFINE_MIRROR_PAD(tb_mirror_pad_x8, uint8_t)
