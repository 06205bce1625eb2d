/* MAXIMUM (int32) with broadcasting, as TFLM's MaximumOp: a > b ? a : b
 * (the stored values; no rescaling). */
#include "common/tb_broadcast_ops.h"
#include "minmax/tb_minmax.h"

TB_DEFINE_BROADCAST_OP(tb_maximum_s32, int32_t, int32_t, a > b ? a : b)
