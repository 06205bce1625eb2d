/* QUANTIZE float32 -> int16, matching TFLM's AffineQuantize<int16_t>: x / scale in single
 * precision, rounded half away from zero, + zero point, clamped to int16. The quotient is
 * limited to +-2^17 first (see quantize_round.h); NaN maps to -32768. */
#include <stddef.h>

#include "quantize/quantize_round.h"
#include "quantize/tb_quantize.h"

tb_status_t tb_quantize_f32_s16(const tb_affine_params_t *params,
                                int32_t size,
                                const float *input,
                                int16_t *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    if (!(params->scale > 0.0f)) {
        return TB_ERR_ARG;
    }
    const float scale = params->scale;
    const int32_t zero_point = params->zero_point;
    for (int32_t i = 0; i < size; i++) {
        const int32_t value = tb_round_half_away(tb_quantize_quotient(input[i], scale, 131072.0f)) + zero_point;
        output[i] = (int16_t)(value < INT16_MIN ? INT16_MIN : (value > INT16_MAX ? INT16_MAX : value));
    }
    return TB_OK;
}
