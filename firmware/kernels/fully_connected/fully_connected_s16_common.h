/* The loop shared by the 16x8 FULLY_CONNECTED kernels, as TFLM's reference FullyConnected /
 * FullyConnectedPerChannel for int16 compute it. fully_connected_s16.c (64-bit accumulator, int64
 * bias) and fully_connected_s16_acc32.c (32-bit accumulator, int32 bias) pass a constant `acc32`. */
#ifndef TB_FULLY_CONNECTED_S16_COMMON_H
#define TB_FULLY_CONNECTED_S16_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_requant.h"
#include "common/tb_requant64.h"
#include "fully_connected/tb_fully_connected.h"

static inline tb_status_t tb_fully_connected_s16_run(const tb_fc_params_t *params,
                                                     const tb_per_channel_quant_t *quant,
                                                     const tb_dims_t *input_dims,
                                                     const int16_t *input,
                                                     const tb_dims_t *filter_dims,
                                                     const int8_t *filter,
                                                     const tb_dims_t *bias_dims,
                                                     const int64_t *bias64,
                                                     const int32_t *bias32,
                                                     const tb_dims_t *output_dims,
                                                     int16_t *output,
                                                     int acc32)
{
    const int has_bias = acc32 ? bias32 != NULL : bias64 != NULL;
    if (params == NULL || quant == NULL || quant->multiplier == NULL || quant->shift == NULL ||
        input_dims == NULL || input == NULL || filter_dims == NULL || filter == NULL ||
        output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (input_dims->c != filter_dims->c || output_dims->c != filter_dims->n ||
        output_dims->n != input_dims->n || input_dims->n < 0 || filter_dims->n < 0 || filter_dims->c < 0) {
        return TB_ERR_ARG;
    }
    if (has_bias && (bias_dims == NULL || bias_dims->c != filter_dims->n)) {
        return TB_ERR_ARG;
    }
    if (params->activation.min > params->activation.max || params->activation.min < INT16_MIN ||
        params->activation.max > INT16_MAX) {
        return TB_ERR_ARG;
    }
    if (acc32 ? !tb_shifts_in_range(quant->shift, filter_dims->n)
              : !tb_shifts64_in_range(quant->shift, filter_dims->n)) {
        return TB_ERR_ARG;
    }

    const int32_t batches = input_dims->n, depth = filter_dims->c, units = filter_dims->n;
    for (int32_t b = 0; b < batches; b++) {
        const int16_t *row = input + (size_t)b * (size_t)depth;
        for (int32_t u = 0; u < units; u++) {
            const int8_t *w = filter + (size_t)u * (size_t)depth;
            /* |term| < 2^24: 32-bit partial sums of 64 terms cannot overflow. */
            int64_t sum = 0;
            int32_t d = 0;
            while (d < depth) {
                const int32_t end = depth - d > 64 ? d + 64 : depth;
                int32_t part = 0;
                for (; d < end; d++) {
                    part += ((int32_t)w[d] + params->filter_offset) * ((int32_t)row[d] + params->input_offset);
                }
                sum += part;
            }
            int32_t scaled;
            if (acc32) {
                uint32_t acc = (uint32_t)(uint64_t)sum; /* TFLM's int32 accumulator wraps */
                if (bias32 != NULL) {
                    acc += (uint32_t)bias32[u];
                }
                scaled = tb_multiply_by_quantized_multiplier((int32_t)acc, quant->multiplier[u], quant->shift[u]);
            } else {
                uint64_t acc = (uint64_t)sum;
                if (bias64 != NULL) {
                    acc += (uint64_t)bias64[u];
                }
                scaled = tb_multiply_by_quantized_multiplier_64((int64_t)acc, quant->multiplier[u], quant->shift[u]);
            }
            /* TFLM adds the offset in 32 bits before clamping. */
            scaled = (int32_t)((uint32_t)scaled + (uint32_t)params->output_offset);
            output[(size_t)b * (size_t)units + (size_t)u] =
                (int16_t)tb_clamp_s32(scaled, params->activation.min, params->activation.max);
        }
    }
    return TB_OK;
}

#endif /* TB_FULLY_CONNECTED_S16_COMMON_H */
