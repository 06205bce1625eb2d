/* CAST float32 -> uint32: truncated toward zero and saturated (negatives and NaN -> 0), as host TFLM. */
#include "cast/tb_cast.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_UNARY_OP(tb_cast_f32_u32, float, uint32_t, tb_cast_f32_to_u32(x))
