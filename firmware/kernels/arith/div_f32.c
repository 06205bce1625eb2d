/* DIV (float32) with broadcasting: a / b, then the fused activation's clamp, as TFLM. */
#include "arith/tb_arith.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_BROADCAST_OP_PARAMS(tb_div_f32, tb_activation_f32_t, float, float, tb_clamp_f32(a / b, p->min, p->max))
