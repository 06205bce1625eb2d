/* PRELU (int8, int8 alpha) with broadcasting, TFLM's quantized arithmetic (tb_prelu_quantized). */
#include "common/tb_broadcast_ops.h"
#include "prelu/tb_prelu.h"

TB_DEFINE_BROADCAST_OP_MIXED(tb_prelu_s8, tb_prelu_params_t, int8_t, int8_t, int8_t,
                             tb_prelu_quantized(a, b, p, INT8_MIN, INT8_MAX))
