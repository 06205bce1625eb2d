/* DEQUANTIZE uint8 -> float32, matching TFLM's reference Dequantize.
 *
 * As for int8: |q - zero_point| <= 255 with both in 0..255, so TFLM's double product
 * double(scale) * (q - zero_point) is exact and the single-precision product, rounded once,
 * is the float TFLM stores. */
#include <stddef.h>

#include "dequantize/tb_dequantize.h"

tb_status_t tb_dequantize_u8_f32(const tb_affine_params_t *params,
                                 int32_t size,
                                 const uint8_t *input,
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
