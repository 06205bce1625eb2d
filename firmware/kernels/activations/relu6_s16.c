/* int16 RELU6, as TFLM's Relu6Quantized<int16_t>: raw input values clamped to [zero, six]. */
#include <stddef.h>

#include "activations/tb_activations_extra.h"

tb_status_t tb_relu6_s16(const tb_relu6_params_t *params, int32_t size, const int16_t *input, int16_t *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        const int32_t value = input[i];
        output[i] = (int16_t)(value > params->six ? params->six : (value < params->zero ? params->zero : value));
    }
    return TB_OK;
}
