/* SQUARED_DIFFERENCE (int32) with broadcasting: (a - b) * (a - b) in int32 (wrapping as TFLM's host build). */
#include "arith/tb_arith.h"
#include "common/tb_broadcast_ops.h"

TB_DEFINE_BROADCAST_OP(tb_squared_difference_s32, int32_t, int32_t, (int32_t)(((uint32_t)a - (uint32_t)b) * ((uint32_t)a - (uint32_t)b)))
