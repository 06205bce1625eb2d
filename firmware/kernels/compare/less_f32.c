/* LESS (float32) with broadcasting, as TFLM's reference: a < b, a bool per element. */
#include "common/tb_broadcast_ops.h"
#include "compare/tb_compare.h"

TB_DEFINE_BROADCAST_OP(tb_less_f32, float, bool, a < b)
