/* float32 LOGISTIC as TFLM's float reference: 1 for x > 16.619047..., exp(x) for x < -9,
 * otherwise 1 / (1 + exp(-x)), with the target libm's expf. */
#include <math.h>
#include <stddef.h>

#include "activations/tb_activations.h"

tb_status_t tb_logistic_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    const float cutoff_upper = 16.619047164916992188f;
    const float cutoff_lower = -9.0f;
    for (int32_t i = 0; i < size; i++) {
        const float x = input[i];
        float y;
        if (x > cutoff_upper) {
            y = 1.0f;
        } else if (x < cutoff_lower) {
            y = expf(x);
        } else {
            y = 1.0f / (1.0f + expf(-x));
        }
        output[i] = y;
    }
    return TB_OK;
}
