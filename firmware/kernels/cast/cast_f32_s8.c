/* CAST float32 -> int8: truncated toward zero and saturated, NaN -> 0, as host TFLM. */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_f32_s8, float, int8_t, tb_cast_f32_saturate(x, INT8_MIN, INT8_MAX))
