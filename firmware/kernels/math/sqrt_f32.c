/* SQRT (float32), as TFLM's: std::sqrt (correctly rounded on both). */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_sqrt_f32, float, float, sqrtf(x))
