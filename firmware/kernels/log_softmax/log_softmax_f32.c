/* LOG_SOFTMAX (float32), as TFLM's reference LogSoftmax. */
#include <float.h>
#include <math.h>
#include <stddef.h>

#include "log_softmax/tb_log_softmax.h"

tb_status_t tb_log_softmax_f32(int32_t rows, int32_t depth, const float *input, float *output)
{
    if (input == NULL || output == NULL || rows < 0 || depth < 1) {
        return TB_ERR_ARG;
    }
    for (int32_t r = 0; r < rows; r++) {
        const float *x = input + (size_t)r * (size_t)depth;
        float *y = output + (size_t)r * (size_t)depth;
        float max = -FLT_MAX;
        for (int32_t c = 0; c < depth; c++) {
            max = max < x[c] ? x[c] : max; /* std::max(max, x): a NaN never replaces max */
        }
        float sum = 0.0f;
        for (int32_t c = 0; c < depth; c++) {
            sum += expf(x[c] - max);
        }
        const float log_sum = logf(sum);
        for (int32_t c = 0; c < depth; c++) {
            y[c] = x[c] - max - log_sum;
        }
    }
    return TB_OK;
}
