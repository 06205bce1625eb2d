/* SQUARED_DIFFERENCE (float32) with broadcasting: (a - b) * (a - b). */
#include "arith/tb_arith.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_BROADCAST_OP(tb_squared_difference_f32, float, float, (a - b) * (a - b))
