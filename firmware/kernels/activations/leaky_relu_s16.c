/* int16 LEAKY_RELU, matching TFLM's reference: one multiplier for x >= zero point, one (with
 * alpha's sign applied after rescaling its magnitude) below it. */
#include <stddef.h>

#include "activations/tb_activations.h"
#include "common/tb_requant.h"

tb_status_t tb_leaky_relu_s16(const tb_leaky_relu_params_t *params,
                              int32_t size,
                              const int16_t *input,
                              int16_t *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    if (params->identity_quant.shift < -31 || params->identity_quant.shift > 31 ||
        params->alpha_quant.shift < -31 || params->alpha_quant.shift > 31 ||
        params->alpha_quant.multiplier == INT32_MIN) {
        return TB_ERR_ARG;
    }
    const int32_t alpha_negative = params->alpha_quant.multiplier < 0;
    const int32_t alpha_magnitude = alpha_negative ? -params->alpha_quant.multiplier
                                                   : params->alpha_quant.multiplier;
    for (int32_t i = 0; i < size; i++) {
        const int32_t x = (int32_t)input[i] - params->input_zero_point;
        int32_t value = params->output_zero_point;
        if (x >= 0) {
            value += tb_multiply_by_quantized_multiplier(x, params->identity_quant.multiplier,
                                                         params->identity_quant.shift);
        } else {
            const int32_t scaled = tb_multiply_by_quantized_multiplier(x, alpha_magnitude, params->alpha_quant.shift);
            value += alpha_negative ? -scaled : scaled;
        }
        output[i] = (int16_t)tb_clamp_s32(value, INT16_MIN, INT16_MAX);
    }
    return TB_OK;
}
