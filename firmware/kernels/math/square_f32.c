/* SQUARE (float32), as TFLM's: x * x. */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_square_f32, float, float, x * x)
