/* float32 ADD with broadcasting, as TFLM's float reference: one IEEE operation, then
 * min(max(x, activation.min), activation.max) (a NaN passes through unchanged). */
#include <stddef.h>

#include "common/tb_float.h"
#include "elementwise/broadcast.h"
#include "elementwise/tb_elementwise.h"

static inline void tb_add_f32_element(const void *args, size_t index, size_t offset1, size_t offset2)
{
    const tb_binary_f32_args_t *a = args;
    const float value = a->input1[offset1] + a->input2[offset2];
    a->output[index] = tb_clamp_f32(value, a->activation->min, a->activation->max);
}

tb_status_t tb_add_f32(const tb_activation_f32_t *activation,
                       const tb_broadcast_t *shape,
                       const float *input1,
                       const float *input2,
                       float *output)
{
    return tb_binary_f32_run(activation, shape, input1, input2, output, tb_add_f32_element);
}
