/* float32 TANH as TFLM's float reference: tanhf from the target's libm. */
#include <math.h>
#include <stddef.h>

#include "activations/tb_activations.h"

tb_status_t tb_tanh_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        output[i] = tanhf(input[i]);
    }
    return TB_OK;
}
