/* CAST uint32 -> uint32: a copy. */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_u32_u32, uint32_t, uint32_t, x)
