/* SignalEnergy (int16 complex -> uint32): re^2 + im^2 in 32 bits (wrapping as TFLM's int32 sum). */
#include "signal/tb_signal.h"

tb_status_t tb_signal_energy_s16(const tb_signal_energy_params_t *params, const tb_cpx16_t *input,
                                 uint32_t *output)
{
    if (params->start_index < 0 || params->end_index > params->output_size) {
        return TB_ERR_ARG;
    }
    for (int32_t k = 0; k < params->output_size; k++) {
        output[k] = 0u;
    }
    for (int32_t k = params->start_index; k < params->end_index; k++) {
        const uint32_t re2 = (uint32_t)((int32_t)input[k].r * (int32_t)input[k].r);
        const uint32_t im2 = (uint32_t)((int32_t)input[k].i * (int32_t)input[k].i);
        output[k] = re2 + im2;
    }
    return TB_OK;
}
