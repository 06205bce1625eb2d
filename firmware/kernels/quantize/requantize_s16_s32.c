/* QUANTIZE int16 -> int32 (requantization), matching TFLM's reference Requantize: the int32
 * range clamps nothing, so the result is the rescaled value plus the output zero point. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "quantize/tb_quantize.h"

tb_status_t tb_requantize_s16_s32(const tb_requantize_params_t *params,
                                  const tb_quant_t *quant,
                                  int32_t size,
                                  const int16_t *input,
                                  int32_t *output)
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
        /* Unsigned addition: wraps where the int32 sum would overflow. */
        output[i] = (int32_t)((uint32_t)value + (uint32_t)params->output_offset);
    }
    return TB_OK;
}
