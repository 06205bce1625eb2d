/* CAST int8 -> int8: a copy. */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_s8_s8, int8_t, int8_t, x)
