/* CAST float32 -> int32: truncated toward zero and saturated, NaN -> 0, as host TFLM. */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_f32_s32, float, int32_t, tb_cast_f32_saturate(x, INT32_MIN, INT32_MAX))
