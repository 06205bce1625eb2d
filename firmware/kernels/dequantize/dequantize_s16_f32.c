/* DEQUANTIZE int16 -> float32, matching TFLM's reference Dequantize.
 *
 * TFLM forms double(scale) * (q - zero_point) and converts it to float. With a float scale (24
 * significant bits) and |q - zero_point| <= 65535 (17 bits) that double product is exact, so the
 * single-precision product below, rounded once to nearest, is the same float.
 */
#include <stddef.h>

#include "dequantize/tb_dequantize.h"

tb_status_t tb_dequantize_s16_f32(const tb_affine_params_t *params,
                                  int32_t size,
                                  const int16_t *input,
                                  float *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        output[i] = params->scale * (float)((int32_t)input[i] - params->zero_point);
    }
    return TB_OK;
}
