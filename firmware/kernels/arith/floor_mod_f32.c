/* FLOOR_MOD (float32) with broadcasting: fmod moved into the divisor's sign, as TFLM's FloorMod. */
#include "arith/tb_arith.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_BROADCAST_OP(tb_floor_mod_f32, float, float, tb_floor_mod_f32_element(a, b))
