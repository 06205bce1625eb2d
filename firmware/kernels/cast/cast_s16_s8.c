/* CAST int16 -> int8: C's conversion (static_cast; integers narrow modulo 2^n). */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_s16_s8, int16_t, int8_t, x)
