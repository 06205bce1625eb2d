/* QUANTIZE int16 -> int8 (requantization), matching TFLM's reference Requantize. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "quantize/tb_quantize.h"

tb_status_t tb_requantize_s16_s8(const tb_requantize_params_t *params,
                                 const tb_quant_t *quant,
                                 int32_t size,
                                 const int16_t *input,
                                 int8_t *output)
{
    if (params == NULL || quant == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    if (quant->shift < -31 || quant->shift > 31) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        int32_t value = (int32_t)input[i] + params->input_offset;
        value = tb_multiply_by_quantized_multiplier(value, quant->multiplier, quant->shift);
        value = tb_clamp_s32(value + params->output_offset, -128, 127);
        output[i] = (int8_t)value;
    }
    return TB_OK;
}
