/* ELU (int8): TFLM's 256-entry lookup table (its Prepare evaluates exp(x) - 1 in float for every
 * input value), computed by the generator the same way; the kernel only indexes it. */
#include "common/tb_broadcast_ops.h"
#include "math/tb_math.h"

TB_DEFINE_UNARY_OP_PARAMS(tb_elu_s8, tb_table_s8_t, int8_t, int8_t, p->table[(int32_t)x + 128])
