/* float32 RELU6 as TFLM: x > 6 ? 6 : (x < 0 ? 0 : x) (a NaN passes through). */
#include <stddef.h>

#include "activations/tb_activations.h"

tb_status_t tb_relu6_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        const float x = input[i];
        output[i] = x > 6.0f ? 6.0f : (x < 0.0f ? 0.0f : x);
    }
    return TB_OK;
}
