/* EXP (float32), as TFLM's: std::exp (libm: within the float32 tolerance). */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_exp_f32, float, float, expf(x))
