/* PRELU (int16, int8 alpha) with broadcasting, TFLM's quantized arithmetic (tb_prelu_quantized). */
#include "common/tb_broadcast_ops.h"
#include "prelu/tb_prelu.h"

TB_DEFINE_BROADCAST_OP_MIXED(tb_prelu_s16, tb_prelu_params_t, int16_t, int8_t, int16_t,
                             tb_prelu_quantized(a, b, p, INT16_MIN, INT16_MAX))
