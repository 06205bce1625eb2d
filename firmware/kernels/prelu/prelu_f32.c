/* PRELU (float32) with broadcasting: x >= 0 ? x : x * alpha, as TFLM. */
#include "common/tb_broadcast_ops.h"
#include "prelu/tb_prelu.h"

TB_DEFINE_BROADCAST_OP(tb_prelu_f32, float, float, a >= 0.0f ? a : a * b)
