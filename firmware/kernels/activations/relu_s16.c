/* int16 RELU, as TFLM's ReluQuantized<int16_t>: requantize to the output scale, then clamp. */
#include <stddef.h>

#include "activations/tb_activations_extra.h"
#include "common/tb_requant.h"

tb_status_t tb_relu_s16(const tb_relu_params_t *params, int32_t size, const int16_t *input, int16_t *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    if (params->quant.shift < -31 || params->quant.shift > 31 || params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        int32_t value = tb_multiply_by_quantized_multiplier((int32_t)input[i] - params->input_zero_point,
                                                            params->quant.multiplier, params->quant.shift);
        value += params->output_zero_point;
        output[i] = (int16_t)tb_clamp_s32(value, params->activation.min, params->activation.max);
    }
    return TB_OK;
}
