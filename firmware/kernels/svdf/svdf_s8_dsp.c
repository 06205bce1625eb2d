/* Optimized SVDF int8 with int8 state and time weights: tb_svdf_s8's arithmetic with the state
 * moved a word at a time and the feature dot product on SMLAD (svdf_dsp_common.h). Bit-exact with
 * tb_svdf_s8 (TFLM's EvalIntegerSvdfReference). */
#include "common/tb_requant.h"
#include "svdf/svdf_dsp_common.h"

tb_status_t tb_svdf_s8_dsp(const tb_svdf_s8_params_t *params,
                       const int8_t *input,
                       const int8_t *weights_feature,
                       const int8_t *weights_time,
                       const int32_t *bias,
                       int8_t *state,
                       int8_t *output)
{
    if (params == NULL || input == NULL || weights_feature == NULL || weights_time == NULL || bias == NULL ||
        state == NULL || output == NULL || !tb_svdf_dims_valid(&params->dims)) {
        return TB_ERR_ARG;
    }
    if (params->feature_quant.shift < -31 || params->feature_quant.shift > 31 ||
        params->output_quant.shift < -31 || params->output_quant.shift > 31) {
        return TB_ERR_ARG;
    }
    const tb_svdf_dims_t *d = &params->dims;
    const int32_t units = d->num_filters / d->rank;

    /* The whole state moves left by one value; each filter's last slot is rewritten below. */
    const size_t state_size = tb_svdf_state_size(d);
    tb_svdf_shift_state((uint8_t *)state, state_size, 1u);

    for (int32_t b = 0; b < d->batches; b++) {
        const int8_t *in = input + (size_t)b * (size_t)d->input_size;
        int8_t *batch_state = state + (size_t)b * (size_t)d->num_filters * (size_t)d->memory_size;
        for (int32_t f = 0; f < d->num_filters; f++) {
            int32_t dot = tb_svdf_feature_dot_s8_dsp(weights_feature + (size_t)f * (size_t)d->input_size, in,
                                                 d->input_size, params->input_zero_point);
            dot = tb_multiply_by_quantized_multiplier(dot, params->feature_quant.multiplier,
                                                      params->feature_quant.shift);
            dot = tb_clamp_s32(dot, -128, 127);
            /* TFLM adds the zero point after the clamp and stores without another one. */
            batch_state[(size_t)f * (size_t)d->memory_size + (size_t)(d->memory_size - 1)] =
                (int8_t)(params->state_zero_point + dot);
        }
        for (int32_t u = 0; u < units; u++) {
            int32_t acc = bias[u];
            for (int32_t r = 0; r < d->rank; r++) {
                const int32_t f = u * d->rank + r;
                const int8_t *w = weights_time + (size_t)f * (size_t)d->memory_size;
                const int8_t *s = batch_state + (size_t)f * (size_t)d->memory_size;
                int32_t time_sum = 0;
                for (int32_t m = 0; m < d->memory_size; m++) {
                    time_sum += (int32_t)w[m] * ((int32_t)s[m] - params->state_zero_point);
                }
                acc += time_sum;
            }
            int32_t value = tb_multiply_by_quantized_multiplier(acc, params->output_quant.multiplier,
                                                                params->output_quant.shift);
            value = tb_clamp_s32(value + params->output_zero_point, -128, 127);
            output[(size_t)b * (size_t)units + (size_t)u] = (int8_t)value;
        }
    }
    return TB_OK;
}
