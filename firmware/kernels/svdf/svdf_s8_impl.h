/* The one integer SVDF, instantiated by svdf_s8.c, svdf_s8_s16.c and their _dsp forms with the
 * state type and the pieces each set uses (svdf_common.h: reference; svdf_dsp_common.h: SMLAD).
 * TFLM's EvalIntegerSvdfReference: shift the state left by one value, write each filter's
 * rescaled feature dot product (clamped to the state type, then the state zero point added) as its
 * newest value, take each filter's time-weighted sum over the state, add the rank filters of a
 * unit and its bias, rescale to int8 (no fused activation: TFLM's integer SVDF applies none). */
#ifndef TB_SVDF_S8_IMPL_H
#define TB_SVDF_S8_IMPL_H

#include "common/tb_requant.h"
#include "svdf/svdf_common.h"

#define TB_DEFINE_SVDF_S8(name, state_t, state_min, state_max, shift_state, feature_dot, time_dot)             \
    tb_status_t name(const tb_svdf_s8_params_t *params, const int8_t *input, const int8_t *weights_feature,     \
                     const state_t *weights_time, const int32_t *bias, state_t *state, int8_t *output)          \
    {                                                                                                            \
        if (params == NULL || input == NULL || weights_feature == NULL || weights_time == NULL || bias == NULL || \
            state == NULL || output == NULL || !tb_svdf_dims_valid(&params->dims)) {                            \
            return TB_ERR_ARG;                                                                                   \
        }                                                                                                        \
        if (params->feature_quant.shift < -31 || params->feature_quant.shift > 31 ||                            \
            params->output_quant.shift < -31 || params->output_quant.shift > 31) {                              \
            return TB_ERR_ARG;                                                                                   \
        }                                                                                                        \
        const tb_svdf_dims_t *d = &params->dims;                                                                 \
        const int32_t units = d->num_filters / d->rank;                                                         \
        const size_t memory = (size_t)d->memory_size;                                                           \
        shift_state((uint8_t *)state, tb_svdf_state_size(d) * sizeof(state_t), sizeof(state_t));               \
        for (int32_t b = 0; b < d->batches; b++) {                                                               \
            const int8_t *in = input + (size_t)b * (size_t)d->input_size;                                        \
            state_t *batch_state = state + (size_t)b * (size_t)d->num_filters * memory;                          \
            for (int32_t f = 0; f < d->num_filters; f++) {                                                       \
                int32_t dot = feature_dot(weights_feature + (size_t)f * (size_t)d->input_size, in,              \
                                          d->input_size, params->input_zero_point);                             \
                dot = tb_multiply_by_quantized_multiplier(dot, params->feature_quant.multiplier,                \
                                                          params->feature_quant.shift);                         \
                dot = tb_clamp_s32(dot, state_min, state_max);                                                   \
                /* TFLM adds the zero point after the clamp and stores without another one. */                   \
                batch_state[(size_t)f * memory + memory - 1u] = (state_t)(params->state_zero_point + dot);      \
            }                                                                                                    \
            for (int32_t u = 0; u < units; u++) {                                                                \
                int32_t acc = bias[u];                                                                           \
                for (int32_t r = 0; r < d->rank; r++) {                                                          \
                    const size_t f = (size_t)(u * d->rank + r);                                                  \
                    acc += time_dot(weights_time + f * memory, batch_state + f * memory, d->memory_size,         \
                                    params->state_zero_point);                                                  \
                }                                                                                                \
                int32_t value = tb_multiply_by_quantized_multiplier(acc, params->output_quant.multiplier,       \
                                                                    params->output_quant.shift);                \
                value = tb_clamp_s32(value + params->output_zero_point, -128, 127);                             \
                output[(size_t)b * (size_t)units + (size_t)u] = (int8_t)value;                                   \
            }                                                                                                    \
        }                                                                                                        \
        return TB_OK;                                                                                            \
    }

#endif /* TB_SVDF_S8_IMPL_H */
