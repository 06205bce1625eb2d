/* CAST float32 -> int16: truncated toward zero and saturated, NaN -> 0, as host TFLM. */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_f32_s16, float, int16_t, tb_cast_f32_saturate(x, INT16_MIN, INT16_MAX))
