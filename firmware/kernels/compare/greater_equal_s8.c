/* GREATER_EQUAL (int8) with broadcasting, as TFLM's ComparisonWithScaling: both inputs rescaled to a
 * common fixed-point scale (tb_compare_scaled), then compared with >=. */
#include "common/tb_broadcast_ops.h"
#include "compare/tb_compare.h"

TB_DEFINE_BROADCAST_OP_PARAMS(tb_greater_equal_s8, tb_compare_params_t, int8_t, bool,
                              tb_compare_scaled(a, p->input1_offset, p->left_shift, p->input1_quant)
                                  >= tb_compare_scaled(b, p->input2_offset, p->left_shift, p->input2_quant))
