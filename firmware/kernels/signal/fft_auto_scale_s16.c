/* SignalFftAutoScale (int16). The running maximum is an int16 as in TFLM, so -(-32768) wraps to
 * -32768, whose bit count (as uint32) is 32: no scaling then. */
#include "signal/tb_signal.h"

tb_status_t tb_signal_fft_auto_scale_s16(int32_t size, const int16_t *input, int16_t *output,
                                         int32_t *scale_bits)
{
    int16_t largest = 0;
    for (int32_t k = 0; k < size; k++) {
        const int16_t value = input[k];
        if (value > largest) {
            largest = value;
        } else if (-value > largest) {
            largest = (int16_t)-value;
        }
    }
    int32_t bits = 16 - (int32_t)tb_signal_msb32((uint32_t)(int32_t)largest) - 1;
    if (bits < 0) {
        bits = 0;
    }
    for (int32_t k = 0; k < size; k++) {
        output[k] = (int16_t)((int32_t)input[k] * (1 << bits));
    }
    *scale_bits = bits;
    return TB_OK;
}
