/* COS (float32), as TFLM's std::cos: evaluated in double precision and rounded once to float (see
 * sin_f32.c: newlib's single-precision routines can be several ULP from the host's). */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_cos_f32, float, float, (float)cos((double)x))
