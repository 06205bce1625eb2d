/* FLOOR (float32), as TFLM's: std::floor. */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_floor_f32, float, float, floorf(x))
