/* SignalPCAN (uint32): gain from the noise estimate by piecewise-quadratic interpolation of the
 * lookup table (4 entries per power of two), then the SNR compressed to 6 output bits. */
#include "signal/tb_signal.h"

#define TB_PCAN_SNR_BITS 12
#define TB_PCAN_OUTPUT_BITS 6

static int16_t tb_pcan_gain(uint32_t noise, const int16_t *lut)
{
    if (noise <= 2u) {
        return lut[noise];
    }
    const int16_t bits = (int16_t)tb_signal_msb32(noise);
    const int16_t *segment = lut + (4 * bits - 6);
    const uint32_t aligned = bits < 11 ? noise << (11 - bits) : noise >> (bits - 11);
    const int16_t frac = (int16_t)(aligned & 0x3FFu);
    int32_t value = ((int32_t)segment[2] * frac) >> 5;
    value += (int32_t)((uint32_t)segment[1] << 5);
    value = (int32_t)((uint32_t)value * (uint32_t)(int32_t)frac); /* wraps like TFLM's int32 */
    value = (value + (1 << 14)) >> 15;
    value += segment[0];
    return (int16_t)value;
}

static uint32_t tb_pcan_shrink(uint32_t snr)
{
    if (snr < (2u << TB_PCAN_SNR_BITS)) {
        return (snr * snr) >> (2 + 2 * TB_PCAN_SNR_BITS - TB_PCAN_OUTPUT_BITS);
    }
    return (snr >> (TB_PCAN_SNR_BITS - TB_PCAN_OUTPUT_BITS)) - (1u << TB_PCAN_OUTPUT_BITS);
}

tb_status_t tb_signal_pcan_u32(const tb_signal_pcan_params_t *params, const uint32_t *input,
                               const uint32_t *noise_estimate, const int16_t *gain_lut, uint32_t *output)
{
    if (params->snr_shift < 0 || params->snr_shift > 63) {
        return TB_ERR_ARG;
    }
    for (int32_t c = 0; c < params->num_channels; c++) {
        const uint32_t gain = (uint32_t)(int32_t)tb_pcan_gain(noise_estimate[c], gain_lut);
        const uint32_t snr = (uint32_t)(((uint64_t)input[c] * gain) >> params->snr_shift);
        output[c] = tb_pcan_shrink(snr);
    }
    return TB_OK;
}
