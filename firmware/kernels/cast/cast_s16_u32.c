/* CAST int16 -> uint32: C's conversion (static_cast; integers narrow modulo 2^n). */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_s16_u32, int16_t, uint32_t, x)
