/* MAXIMUM (float32) with broadcasting, as TFLM's MaximumOp: a > b ? a : b
 * (the stored values; no rescaling, and a NaN in a gives b). */
#include "common/tb_broadcast_ops.h"
#include "minmax/tb_minmax.h"

TB_DEFINE_BROADCAST_OP(tb_maximum_f32, float, float, a > b ? a : b)
