/* The ring form of the optimized int8 SVDF (tb_svdf.h, tb_svdf_ring_params_t), for an int16 or
 * int8 state: `bytes` (2 or 1) is a constant at each instantiation, so every branch on it folds.
 * Included by svdf_s8_s16_ring_dsp.c and svdf_s8_ring_dsp.c only.
 *
 * Per batch: the feature dot products of 4 filters at a time (common/tb_dsp_gemm.h's
 * tb_dsp_dot4 on the int16 weights, the input zero point folded into their starting sums),
 * rescaled into the state type, clamped, plus the state zero point, stored at the ring slot of
 * the oldest value; then per unit the time dot products of its filters (the state zero point
 * folded into unit_bias), rescaled to int8. All sums wrap in 32 bits like TFLM's, so folding and
 * reordering them leaves every value as TFLM's EvalIntegerSvdfReference computes it. */
#ifndef TB_SVDF_RING_IMPL_H
#define TB_SVDF_RING_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_dsp_gemm.h"
#include "common/tb_requant.h"
#include "svdf/svdf_dsp_common.h"

TB_ALWAYS_INLINE void tb_svdf_ring_store(uint8_t *state, size_t index, int32_t value, int bytes)
{
    if (bytes == 2) {
        ((int16_t *)(void *)state)[index] = (int16_t)value;
    } else {
        ((int8_t *)state)[index] = (int8_t)value;
    }
}

/* TFLM: clamp the rescaled dot product to the state type, then add the zero point (wrapping on
 * the store as its cast does). */
TB_ALWAYS_INLINE int32_t tb_svdf_ring_state_value(int32_t acc, const tb_svdf_rescale_t *rq, int32_t zero_point,
                                                  int bytes, int right)
{
    const int32_t v = tb_svdf_rescale(acc, rq, right);
    const int32_t clamped = bytes == 2 ? tb_clamp_s32(v, -32768, 32767) : tb_clamp_s32(v, -128, 127);
    return clamped + zero_point;
}

/* Every filter's newest state value of one batch, written at ring slot `slot`. */
TB_ALWAYS_INLINE void tb_svdf_ring_features(const tb_svdf_dims_t *d, const tb_svdf_rescale_t *rq,
                                            int32_t zero_point, const int8_t *in, const int16_t *weights,
                                            const int32_t *bias, uint8_t *state, size_t slot, int bytes,
                                            int right)
{
    const size_t memory = (size_t)d->memory_size;
    int32_t f = 0;
    for (; f + 4 <= d->num_filters; f += 4) {
        int32_t acc[4] = {bias[f], bias[f + 1], bias[f + 2], bias[f + 3]};
        weights = tb_dsp_dot4(in, weights, d->input_size, acc);
        const size_t at = (size_t)f * memory + slot;
        const int32_t v0 = tb_svdf_ring_state_value(acc[0], rq, zero_point, bytes, right);
        const int32_t v1 = tb_svdf_ring_state_value(acc[1], rq, zero_point, bytes, right);
        const int32_t v2 = tb_svdf_ring_state_value(acc[2], rq, zero_point, bytes, right);
        const int32_t v3 = tb_svdf_ring_state_value(acc[3], rq, zero_point, bytes, right);
        tb_svdf_ring_store(state, at, v0, bytes);
        tb_svdf_ring_store(state, at + memory, v1, bytes);
        tb_svdf_ring_store(state, at + 2u * memory, v2, bytes);
        tb_svdf_ring_store(state, at + 3u * memory, v3, bytes);
    }
    if (f < d->num_filters) { /* the last group, padded with zero weights and biases */
        int32_t acc[4] = {bias[f], bias[f + 1], bias[f + 2], bias[f + 3]};
        tb_dsp_dot4(in, weights, d->input_size, acc);
        for (int32_t i = 0; f + i < d->num_filters; i++) {
            tb_svdf_ring_store(state, (size_t)(f + i) * memory + slot,
                               tb_svdf_ring_state_value(acc[i], rq, zero_point, bytes, right), bytes);
        }
    }
}

/* Every unit's output of one batch: bias (state zero point folded in) plus its filters' time
 * dot products, rescaled, plus the output zero point (wrapping, as TFLM's int32 addition),
 * saturated to int8. `weights` already points `offset` values into each doubled row. */
TB_ALWAYS_INLINE void tb_svdf_ring_units(const tb_svdf_dims_t *d, const tb_svdf_rescale_t *rq,
                                         int32_t output_zero_point, const uint8_t *weights, const int32_t *bias,
                                         const uint8_t *state, int8_t *out, int bytes, int right)
{
    const int32_t memory = d->memory_size, units = d->num_filters / d->rank;
    const size_t row = (size_t)memory * (size_t)bytes;
    for (int32_t u = 0; u < units; u++) {
        int32_t acc = bias[u];
        for (int32_t r = 0; r < d->rank; r++) {
            if (bytes == 2) {
                acc = tb_svdf_ring_dot_s16((const int16_t *)(const void *)weights, (const int16_t *)(const void *)state,
                                           memory, acc);
            } else {
                acc = tb_svdf_ring_dot_s8((const int8_t *)weights, (const int8_t *)state, memory, acc);
            }
            weights += 2u * row;
            state += row;
        }
        const int32_t v = tb_svdf_rescale(acc, rq, right);
        out[u] = (int8_t)tb_ssat8((int32_t)((uint32_t)v + (uint32_t)output_zero_point));
    }
}

TB_ALWAYS_INLINE tb_status_t tb_svdf_ring_run(const tb_svdf_ring_params_t *params, const int8_t *input,
                                              const int16_t *feature_weights, const int32_t *feature_bias,
                                              const void *time_weights, const int32_t *unit_bias, void *state,
                                              int32_t *ring, int8_t *output, int bytes)
{
    if (params == NULL || input == NULL || feature_weights == NULL || feature_bias == NULL || time_weights == NULL ||
        unit_bias == NULL || state == NULL || ring == NULL || output == NULL || !tb_svdf_dims_valid(&params->dims)) {
        return TB_ERR_ARG;
    }
    const tb_quant_t fq = params->feature_quant, oq = params->output_quant;
    if (fq.multiplier < 0 || oq.multiplier < 0 || fq.shift < -31 || fq.shift > 31 || oq.shift < -31 ||
        oq.shift > 31) {
        return TB_ERR_ARG;
    }
    const tb_svdf_dims_t *d = &params->dims;
    const int32_t slot = *ring;
    if (slot < 0 || slot >= d->memory_size) {
        return TB_ERR_ARG;
    }
    const int32_t next = slot + 1 == d->memory_size ? 0 : slot + 1;
    const tb_svdf_rescale_t frq = tb_svdf_rescale_of(fq), orq = tb_svdf_rescale_of(oq);
    const size_t batch_state = (size_t)d->num_filters * (size_t)d->memory_size * (size_t)bytes;
    /* Ring slot p of a filter holds logical age (p - next) mod memory: its weight is the doubled
     * row's value memory - next + p. */
    const uint8_t *weights = (const uint8_t *)time_weights + (size_t)(d->memory_size - next) * (size_t)bytes;
    const int32_t units = d->num_filters / d->rank;
    for (int32_t b = 0; b < d->batches; b++) {
        const int8_t *in = input + (size_t)b * (size_t)d->input_size;
        uint8_t *st = (uint8_t *)state + (size_t)b * batch_state;
        int8_t *out = output + (size_t)b * (size_t)units;
        if (fq.shift < 0) {
            tb_svdf_ring_features(d, &frq, params->state_zero_point, in, feature_weights, feature_bias, st,
                                  (size_t)slot, bytes, 1);
        } else {
            tb_svdf_ring_features(d, &frq, params->state_zero_point, in, feature_weights, feature_bias, st,
                                  (size_t)slot, bytes, 0);
        }
        if (oq.shift < 0) {
            tb_svdf_ring_units(d, &orq, params->output_zero_point, weights, unit_bias, st, out, bytes, 1);
        } else {
            tb_svdf_ring_units(d, &orq, params->output_zero_point, weights, unit_bias, st, out, bytes, 0);
        }
    }
    *ring = next;
    return TB_OK;
}

#endif /* TB_SVDF_RING_IMPL_H */
