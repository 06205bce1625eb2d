/* CAST bool -> int8: C's conversion (static_cast; integers narrow modulo 2^n). */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_bool_s8, bool, int8_t, x)
