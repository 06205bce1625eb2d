/* SignalWindow (int16): (x * w) >> shift, saturated to int16, block by block. */
#include "signal/tb_signal.h"

tb_status_t tb_signal_window_s16(const tb_signal_window_params_t *params, const int16_t *input,
                                 const int16_t *window, int16_t *output)
{
    if (params == NULL || params->window_size < 1 || params->size % params->window_size != 0) {
        return TB_ERR_ARG;
    }
    for (int32_t base = 0; base < params->size; base += params->window_size) {
        for (int32_t k = 0; k < params->window_size; k++) {
            int32_t value = ((int32_t)input[base + k] * (int32_t)window[k]) >> params->shift;
            if (value > INT16_MAX) {
                value = INT16_MAX;
            } else if (value < INT16_MIN) {
                value = INT16_MIN;
            }
            output[base + k] = (int16_t)value;
        }
    }
    return TB_OK;
}
