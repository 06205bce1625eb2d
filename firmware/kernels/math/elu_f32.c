/* ELU (float32), as TFLM's reference Elu: x < 0 ? expm1(x) : x (the device's libm expm1f). */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_elu_f32, float, float, x < 0.0f ? expm1f(x) : x)
