/* MINIMUM (int8) with broadcasting, as TFLM's MinimumOp: a < b ? a : b
 * (the stored values; no rescaling). */
#include "common/tb_broadcast_ops.h"
#include "minmax/tb_minmax.h"

TB_DEFINE_BROADCAST_OP(tb_minimum_s8, int8_t, int8_t, a < b ? a : b)
