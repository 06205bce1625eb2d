/* CAST int32 -> uint32: C's conversion (static_cast; integers narrow modulo 2^n). */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_s32_u32, int32_t, uint32_t, x)
