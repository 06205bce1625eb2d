/* float32 SOFTMAX as TFLM's float reference: the same operation order (max, then
 * exp((x - max) * beta) accumulated left to right, then one division each), with the target
 * libm's expf. */
#include <float.h>
#include <math.h>
#include <stddef.h>

#include "softmax/tb_softmax.h"

tb_status_t tb_softmax_f32(const tb_softmax_f32_params_t *params,
                           int32_t outer_size,
                           int32_t depth,
                           const float *input,
                           float *output)
{
    if (params == NULL || input == NULL || output == NULL || outer_size < 0 || depth < 1) {
        return TB_ERR_ARG;
    }
    for (int32_t row = 0; row < outer_size; row++) {
        const float *in = input + (size_t)row * (size_t)depth;
        float *out = output + (size_t)row * (size_t)depth;

        float max = -FLT_MAX;
        for (int32_t c = 0; c < depth; c++) {
            max = max < in[c] ? in[c] : max; /* std::max(max, x) */
        }
        float sum = 0.0f;
        for (int32_t c = 0; c < depth; c++) {
            const float e = expf((in[c] - max) * params->beta);
            out[c] = e;
            sum += e;
        }
        for (int32_t c = 0; c < depth; c++) {
            out[c] = out[c] / sum;
        }
    }
    return TB_OK;
}
