/* RSQRT (int8): a table of TFLM's RsqrtEvalQuantized, computed by the generator. */
#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP_PARAMS(tb_rsqrt_s8, tb_table_s8_t, int8_t, int8_t, p->table[(int32_t)x + 128])
