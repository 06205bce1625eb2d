/* int8 TANH, matching TFLM's reference: gemmlowp's fixed-point tanh on Q4.27 inputs, written
 * in 1/128 steps with zero point 0 (TFLM does not read the output's quantization). */
#include <stddef.h>

#include "activations/tb_activations.h"
#include "activations/tb_fixedpoint_math.h"
#include "common/tb_fixedpoint.h"

tb_status_t tb_tanh_s8(const tb_sigmoid_params_t *params, int32_t size, const int8_t *input, int8_t *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    if (params->input_quant.shift < 0 || params->input_quant.shift > 31 || params->input_range_radius <= 0) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        const int32_t x = (int32_t)input[i] - params->input_zero_point;
        if (x <= -params->input_range_radius) {
            output[i] = -128;
        } else if (x >= params->input_range_radius) {
            output[i] = 127;
        } else {
            const int32_t x_q4 = tb_multiply_by_quantized_multiplier(x, params->input_quant.multiplier,
                                                                     params->input_quant.shift);
            const int32_t y_q0 = tb_fp_tanh(x_q4, 4);
            const int32_t y = tb_rounding_divide_by_pot(y_q0, 31 - 7); /* to 1/128 steps */
            output[i] = (int8_t)tb_clamp_s32(y, -128, 127);
        }
    }
    return TB_OK;
}
