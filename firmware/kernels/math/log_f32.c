/* LOG (float32), as TFLM's: std::log (libm: within the float32 tolerance). */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_log_f32, float, float, logf(x))
