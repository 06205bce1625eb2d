/* QUANTIZE float32 -> int8, matching TFLM's AffineQuantize.
 *
 * TFLM divides in single precision and rounds half away from zero (std::round) before adding
 * the zero point and clamping. The quotient is limited to +-512 first, which changes no
 * in-range result but keeps the float -> int conversion defined for huge values and NaN.
 */
#include <stddef.h>

#include "quantize/tb_quantize.h"

/* std::round for |value| <= 512: truncate, then step away from zero on a half or more. */
static int32_t tb_round_half_away(float value)
{
    const int32_t whole = (int32_t)value;
    const float fraction = value - (float)whole; /* exact: both are close floats */
    if (fraction >= 0.5f) {
        return whole + 1;
    }
    if (fraction <= -0.5f) {
        return whole - 1;
    }
    return whole;
}

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
    const float limit = 512.0f;
    /* Copied once: the int8 stores would otherwise force a reload of both after each element. */
    const float scale = params->scale;
    const int32_t zero_point = params->zero_point;
    for (int32_t i = 0; i < size; i++) {
        float quotient = input[i] / scale;
        if (!(quotient >= -limit)) { /* also catches NaN */
            quotient = -limit;
        } else if (quotient > limit) {
            quotient = limit;
        }
        int32_t value = tb_round_half_away(quotient) + zero_point;
        value = value < -128 ? -128 : (value > 127 ? 127 : value);
        output[i] = (int8_t)value;
    }
    return TB_OK;
}
