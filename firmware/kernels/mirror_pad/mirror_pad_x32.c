/* MIRROR_PAD for 32-bit elements (float32). */
#include "mirror_pad/mirror_pad_impl.h"

TB_DEFINE_MIRROR_PAD(tb_mirror_pad_x32, uint32_t)
