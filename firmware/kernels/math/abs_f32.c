/* ABS (float32), as TFLM's: std::abs. */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_abs_f32, float, float, fabsf(x))
