/* SIN (float32), as TFLM's std::sin: evaluated in double precision and rounded once to float.
 * newlib's sinf was seen 6 ULP from the host's glibc (TFLM's own SIN kernel run on the device),
 * above the float32 tolerance; fdlibm's double sin rounded to float is within about 1 ULP of it. */
#include <math.h>

#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP(tb_sin_f32, float, float, (float)sin((double)x))
