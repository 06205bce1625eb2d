/* NEG (float32), as TFLM's: negation. */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_neg_f32, float, float, -x)
