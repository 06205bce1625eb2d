/* RSQRT (float32), as TFLM's: 1.f / std::sqrt. */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_rsqrt_f32, float, float, 1.0f / sqrtf(x))
