/* SignalFilterBank (uint32 -> uint64). Weights are int16 widened to uint64 (sign-extended) before
 * the product, as TFLM computes them; sums wrap modulo 2^64. */
#include "signal/tb_signal.h"

tb_status_t tb_signal_filter_bank_u32(const tb_signal_filter_bank_params_t *params, const uint32_t *input,
                                      uint64_t *output)
{
    uint64_t weighted = 0u;
    uint64_t unweighted = 0u;
    for (int32_t band = 0; band <= params->num_channels; band++) {
        const int32_t first = params->frequency_starts[band];
        const int32_t weight_first = params->weight_starts[band];
        for (int32_t j = 0; j < params->widths[band]; j++) {
            const uint64_t x = (uint64_t)input[first + j];
            weighted += (uint64_t)(int64_t)params->weights[weight_first + j] * x;
            unweighted += (uint64_t)(int64_t)params->unweights[weight_first + j] * x;
        }
        if (band > 0) {
            output[band - 1] = weighted; /* band 0 only starts channel 0 */
        }
        weighted = unweighted;
        unweighted = 0u;
    }
    return TB_OK;
}
