/* FLOOR_DIV (float32) with broadcasting: floor of the double-precision quotient, as TFLM's FloorDiv. */
#include "arith/tb_arith.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_BROADCAST_OP(tb_floor_div_f32, float, float, floor((double)a / (double)b))
