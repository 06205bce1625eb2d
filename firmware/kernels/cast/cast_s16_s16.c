/* CAST int16 -> int16: a copy. */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_s16_s16, int16_t, int16_t, x)
