/* DIV (int32) with broadcasting: a / b (C's truncating division), then the fused activation's clamp. */
#include "arith/tb_arith.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_BROADCAST_OP_PARAMS(tb_div_s32, tb_activation_t, int32_t, int32_t, tb_clamp_range_s32(a / b, p))
