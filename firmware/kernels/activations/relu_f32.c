/* float32 RELU as TFLM: x < 0 ? 0 : x (a NaN passes through). */
#include <stddef.h>

#include "activations/tb_activations.h"

tb_status_t tb_relu_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        const float x = input[i];
        output[i] = x < 0.0f ? 0.0f : x;
    }
    return TB_OK;
}
