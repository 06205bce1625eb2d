/* ADD_N (int8), as TFLM's quantized AddN: the sum starts from the rescaled input offset (TFLM's
 * "x = 0" term), adds every input rescaled to the common scale, and is rescaled to the output,
 * offset and clamped. */
#include <stddef.h>

#include "add_n/tb_add_n.h"

static inline int32_t tb_add_n_scaled(int32_t value, const tb_add_n_s8_params_t *p)
{
    return tb_multiply_by_quantized_multiplier(value * (1 << p->left_shift), p->input_quant.multiplier,
                                               p->input_quant.shift);
}

tb_status_t tb_add_n_s8(const tb_add_n_s8_params_t *params, int32_t size, int8_t *output)
{
    if (params == NULL || output == NULL || size < 0 || params->count < 1 || params->count > TB_ADD_N_MAX_INPUTS ||
        params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    const int32_t start = tb_add_n_scaled(params->input_offset, params);
    for (int32_t i = 0; i < size; i++) {
        int32_t sum = start;
        for (int32_t j = 0; j < params->count; j++) {
            sum += tb_add_n_scaled(params->inputs[j][i] + params->input_offset, params);
        }
        const int32_t out = tb_multiply_by_quantized_multiplier(sum, params->output_quant.multiplier,
                                                                params->output_quant.shift) + params->output_offset;
        output[i] = (int8_t)tb_clamp_s32(out, params->activation.min, params->activation.max);
    }
    return TB_OK;
}
