/* SQUARED_DIFFERENCE (int8) with broadcasting, TFLM's rescaled arithmetic (tb_squared_difference_quantized). */
#include "arith/tb_arith.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_BROADCAST_OP_PARAMS(tb_squared_difference_s8, tb_squared_difference_params_t, int8_t, int8_t,
                              tb_squared_difference_quantized(a, b, p))
