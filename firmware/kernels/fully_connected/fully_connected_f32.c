/* float32 FULLY_CONNECTED in the summation order of TFLM's reference kernel. */
#include <stddef.h>

#include "common/tb_float.h"
#include "fully_connected/tb_fully_connected.h"

tb_status_t tb_fully_connected_f32(const tb_fc_f32_params_t *params,
                                   const tb_dims_t *input_dims,
                                   const float *input,
                                   const tb_dims_t *filter_dims,
                                   const float *filter,
                                   const tb_dims_t *bias_dims,
                                   const float *bias,
                                   const tb_dims_t *output_dims,
                                   float *output)
{
    if (params == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (input_dims->c != filter_dims->c || output_dims->c != filter_dims->n ||
        output_dims->n != input_dims->n || input_dims->n < 0 || filter_dims->n < 0 ||
        filter_dims->c < 0) {
        return TB_ERR_ARG;
    }
    if (bias != NULL && (bias_dims == NULL || bias_dims->c != filter_dims->n)) {
        return TB_ERR_ARG;
    }
    if (!(params->activation.min <= params->activation.max)) {
        return TB_ERR_ARG;
    }

    const int32_t batches = input_dims->n;
    const int32_t depth = filter_dims->c;
    const int32_t units = filter_dims->n;

    for (int32_t b = 0; b < batches; b++) {
        const float *row = input + (size_t)b * (size_t)depth;
        for (int32_t u = 0; u < units; u++) {
            const float *weights = filter + (size_t)u * (size_t)depth;
            float total = 0.0f;
            for (int32_t d = 0; d < depth; d++) {
                total += row[d] * weights[d];
            }
            const float bias_value = bias != NULL ? bias[u] : 0.0f;
            output[(size_t)b * (size_t)units + (size_t)u] =
                tb_clamp_f32(total + bias_value, params->activation.min, params->activation.max);
        }
    }
    return TB_OK;
}
