/* QUANTIZE float32 -> int8, matching TFLM's AffineQuantize.
 *
 * TFLM divides in single precision and rounds half away from zero (std::round) before adding
 * the zero point and clamping. The quotient is limited to +-512 first, which changes no
 * in-range result but keeps the float -> int conversion defined for huge values and NaN.
 */
#include <stddef.h>

#include "quantize/quantize_round.h"
#include "quantize/tb_quantize.h"

tb_status_t tb_quantize_f32_s8(const tb_affine_params_t *params,
                               int32_t size,
                               const float *input,
                               int8_t *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    if (!(params->scale > 0.0f)) {
        return TB_ERR_ARG;
    }
    /* Copied once: the int8 stores would otherwise force a reload of both after each element. */
    const float scale = params->scale;
    const int32_t zero_point = params->zero_point;
    for (int32_t i = 0; i < size; i++) {
        const float quotient = tb_quantize_quotient(input[i], scale, 512.0f);
        int32_t value = tb_round_half_away(quotient) + zero_point;
        value = value < -128 ? -128 : (value > 127 ? 127 : value);
        output[i] = (int8_t)value;
    }
    return TB_OK;
}
