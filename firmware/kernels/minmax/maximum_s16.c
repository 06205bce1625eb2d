/* MAXIMUM (int16) with broadcasting, as TFLM's MaximumOp: a > b ? a : b
 * (the stored values; no rescaling). */
#include "common/tb_broadcast_ops.h"
#include "minmax/tb_minmax.h"

TB_DEFINE_BROADCAST_OP(tb_maximum_s16, int16_t, int16_t, a > b ? a : b)
