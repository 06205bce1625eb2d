/* int8 RELU6, matching TFLM: raw input values clamped to [zero, six] (no requantization). */
#include <stddef.h>

#include "activations/tb_activations.h"

tb_status_t tb_relu6_s8(const tb_relu6_params_t *params, int32_t size, const int8_t *input, int8_t *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        const int32_t value = input[i];
        /* Same order of tests as TFLM, which matters only if six < zero. */
        output[i] = (int8_t)(value > params->six ? params->six : (value < params->zero ? params->zero : value));
    }
    return TB_OK;
}
