/* CAST int32 -> int16: C's conversion (static_cast; integers narrow modulo 2^n). */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_s32_s16, int32_t, int16_t, x)
