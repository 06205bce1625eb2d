/* SignalFilterBankSpectralSubtraction (uint32). The noise estimate is state: the generated runtime
 * zeroes it as TFLM's Prepare does, keeps it across inferences and copies it to the second output. */
#include "signal/tb_signal.h"

tb_status_t tb_signal_filter_bank_spectral_subtraction_u32(const tb_signal_spectral_subtraction_params_t *params,
                                                           const uint32_t *input, uint32_t *output,
                                                           uint32_t *noise_estimate)
{
    const tb_signal_spectral_subtraction_params_t *p = params;
    for (int32_t c = 0; c < p->num_channels; c++) {
        const int odd = (c & 1) != 0;
        const uint32_t smoothing = odd ? p->alternate_smoothing : p->smoothing;
        const uint32_t keep = odd ? p->alternate_one_minus_smoothing : p->one_minus_smoothing;
        const uint32_t signal = input[c] << p->smoothing_bits;
        const uint64_t mixed = (uint64_t)signal * smoothing + (uint64_t)p->noise[c] * keep;
        p->noise[c] = (uint32_t)(mixed >> p->spectral_subtraction_bits);
        uint32_t estimate = p->noise[c];
        if (estimate > signal) {
            estimate = signal;
            if (p->clamping) {
                p->noise[c] = estimate;
            }
        }
        const uint32_t floor = (uint32_t)(((uint64_t)input[c] * p->min_signal_remaining) >>
                                          p->spectral_subtraction_bits);
        const uint32_t remaining = (signal - estimate) >> p->smoothing_bits;
        output[c] = remaining > floor ? remaining : floor;
    }
    for (int32_t c = 0; c < p->num_channels; c++) {
        noise_estimate[c] = p->noise[c];
    }
    return TB_OK;
}
