/* CAST float32 -> float32: a copy. */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_f32_f32, float, float, x)
