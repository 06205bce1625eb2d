/* SQUARED_DIFFERENCE (int16) with broadcasting, TFLM's rescaled arithmetic (tb_squared_difference_quantized). */
#include "arith/tb_arith.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_BROADCAST_OP_PARAMS(tb_squared_difference_s16, tb_squared_difference_params_t, int16_t, int16_t,
                              tb_squared_difference_quantized(a, b, p))
