/* int32 MUL with broadcasting (no quantization), matching TFLM's reference: the wrapped
 * result, then min(max(x, activation.min), activation.max).
 * TFLM applies the fused activation as CalculateActivationRange<int32_t> gives it
 * (RELU 0..INT32_MAX, RELU6 0..6, RELU_N1_TO_1 -1..1). */
#include <stddef.h>

#include "elementwise/binary_s32.h"
#include "elementwise/tb_elementwise.h"

static inline void tb_mul_s32_element(const void *args, size_t index, size_t offset1, size_t offset2)
{
    const tb_binary_s32_args_t *a = args;
    const int32_t value = tb_wrap_mul_s32(a->input1[offset1], a->input2[offset2]);
    a->output[index] = tb_clamp_s32(value, a->activation->min, a->activation->max);
}

tb_status_t tb_mul_s32(const tb_activation_t *activation,
                       const tb_broadcast_t *shape,
                       const int32_t *input1,
                       const int32_t *input2,
                       int32_t *output)
{
    return tb_binary_s32_run(activation, shape, input1, input2, output, tb_mul_s32_element);
}
