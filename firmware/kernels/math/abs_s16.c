/* ABS (int16), as TFLM: quantized (tb_abs_s16_element) or plain std::abs. */
#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP_PARAMS(tb_abs_s16, tb_abs_s16_params_t, int16_t, int16_t, tb_abs_s16_element(x, p))
