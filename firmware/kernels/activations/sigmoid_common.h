/* The saturation and input rescaling shared by LOGISTIC and TANH (int8), as TFLM's reference
 * computes them. */
#ifndef TB_SIGMOID_COMMON_H
#define TB_SIGMOID_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "activations/tb_activations.h"
#include "common/tb_requant.h"

/* The output for an input inside the range radius, given it rescaled to Q4.27. */
typedef int8_t (*tb_sigmoid_curve_fn)(int32_t x_q4);

/* Checks the arguments, then writes -128 or 127 for an input at or beyond the range radius and
 * curve(x rescaled to Q4.27) for any other. */
static inline tb_status_t tb_sigmoid_s8_run(const tb_sigmoid_params_t *params,
                                            int32_t size,
                                            const int8_t *input,
                                            int8_t *output,
                                            tb_sigmoid_curve_fn curve)
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
            output[i] = curve(tb_multiply_by_quantized_multiplier(x, params->input_quant.multiplier,
                                                                  params->input_quant.shift));
        }
    }
    return TB_OK;
}

#endif /* TB_SIGMOID_COMMON_H */
