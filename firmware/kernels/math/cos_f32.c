/* COS (float32), as TFLM's: std::cos (libm: within the float32 tolerance). */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_cos_f32, float, float, cosf(x))
