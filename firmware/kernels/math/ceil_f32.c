/* CEIL (float32), as TFLM's: std::ceil. */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_ceil_f32, float, float, ceilf(x))
