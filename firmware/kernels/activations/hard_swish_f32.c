/* float32 HARD_SWISH, as TFLM's reference: x * min(6, max(0, x + 3)) / 6, with std::max/std::min's
 * comparisons (a NaN in x + 3 gives 0 from the max). */
#include "activations/tb_activations_extra.h"
#include "common/tb_broadcast_ops.h"

static inline float tb_hard_swish_f32_element(float x)
{
    const float shifted = x + 3.0f;
    const float low = 0.0f < shifted ? shifted : 0.0f;
    const float relu6 = low < 6.0f ? low : 6.0f;
    return x * relu6 / 6.0f;
}

TB_DEFINE_UNARY_OP(tb_hard_swish_f32, float, float, tb_hard_swish_f32_element(x))
