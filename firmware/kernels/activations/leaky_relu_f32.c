/* float32 LEAKY_RELU as TFLM's reference LeakyRelu: x > 0 ? x : x * alpha (alpha may be above 1
 * or negative, so no max(); a NaN takes the alpha branch and stays NaN). */
#include <stddef.h>

#include "activations/tb_activations.h"

tb_status_t tb_leaky_relu_f32(const tb_leaky_relu_f32_params_t *params,
                              int32_t size,
                              const float *input,
                              float *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    const float alpha = params->alpha;
    for (int32_t i = 0; i < size; i++) {
        const float x = input[i];
        output[i] = x > 0.0f ? x : x * alpha;
    }
    return TB_OK;
}
