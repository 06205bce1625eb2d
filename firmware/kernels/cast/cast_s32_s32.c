/* CAST int32 -> int32: a copy. */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_s32_s32, int32_t, int32_t, x)
