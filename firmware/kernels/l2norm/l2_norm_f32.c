/* float32 L2_NORMALIZATION as TFLM's reference kernel: squares added in order from 0, sqrtf,
 * at least 1e-6, then each value divided by it. */
#include <math.h>
#include <stddef.h>

#include "l2norm/tb_l2norm.h"

tb_status_t tb_l2_norm_f32(int32_t outer, int32_t depth, const float *input, float *output)
{
    if (input == NULL || output == NULL || outer < 1 || depth < 1) {
        return TB_ERR_ARG;
    }
    const float epsilon = 1e-6f;
    for (int32_t i = 0; i < outer; i++) {
        const float *row = input + (size_t)i * (size_t)depth;
        float squares = 0.0f;
        for (int32_t c = 0; c < depth; c++) {
            squares += row[c] * row[c];
        }
        float norm = sqrtf(squares);
        norm = norm < epsilon ? epsilon : norm; /* std::max(norm, epsilon): NaN stays */
        for (int32_t c = 0; c < depth; c++) {
            output[(size_t)i * (size_t)depth + (size_t)c] = row[c] / norm;
        }
    }
    return TB_OK;
}
