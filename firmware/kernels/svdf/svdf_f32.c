/* SVDF float32, in TFLM's EvalFloatSvdfReference order: shift the state left by one, write each
 * filter's feature dot product as its newest value, each filter's time-weighted sum over the
 * state, bias plus the rank filters of each unit in order, then the fused activation. */
#include "svdf/svdf_common.h"

tb_status_t tb_svdf_f32(const tb_svdf_f32_params_t *params,
                        const float *input,
                        const float *weights_feature,
                        const float *weights_time,
                        const float *bias,
                        float *state,
                        float *output)
{
    if (params == NULL || input == NULL || weights_feature == NULL || weights_time == NULL || state == NULL ||
        output == NULL || !tb_svdf_dims_valid(&params->dims)) {
        return TB_ERR_ARG;
    }
    const tb_svdf_dims_t *d = &params->dims;
    const int32_t units = d->num_filters / d->rank;

    const size_t state_size = tb_svdf_state_size(d);
    for (size_t i = 0; i + 1u < state_size; i++) {
        state[i] = state[i + 1u];
    }

    for (int32_t b = 0; b < d->batches; b++) {
        const float *in = input + (size_t)b * (size_t)d->input_size;
        float *batch_state = state + (size_t)b * (size_t)d->num_filters * (size_t)d->memory_size;
        for (int32_t f = 0; f < d->num_filters; f++) {
            const float *row = weights_feature + (size_t)f * (size_t)d->input_size;
            float dot = 0.0f;
            for (int32_t c = 0; c < d->input_size; c++) {
                dot += row[c] * in[c];
            }
            batch_state[(size_t)f * (size_t)d->memory_size + (size_t)(d->memory_size - 1)] = dot;
        }
        for (int32_t u = 0; u < units; u++) {
            float acc = bias != NULL ? bias[u] : 0.0f;
            for (int32_t r = 0; r < d->rank; r++) {
                const int32_t f = u * d->rank + r;
                const float *w = weights_time + (size_t)f * (size_t)d->memory_size;
                const float *s = batch_state + (size_t)f * (size_t)d->memory_size;
                float time_sum = 0.0f;
                for (int32_t m = 0; m < d->memory_size; m++) {
                    time_sum += w[m] * s[m];
                }
                acc += time_sum;
            }
            /* TfLiteMax(min, TfLiteMin(acc, max)) as TFLM's ActivationValFloat writes it. */
            const float upper = params->activation_max < acc ? params->activation_max : acc;
            output[(size_t)b * (size_t)units + (size_t)u] = params->activation_min < upper ? upper : params->activation_min;
        }
    }
    return TB_OK;
}
