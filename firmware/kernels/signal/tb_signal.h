/* TFLM's signal library (the audio front end of micro_speech), as custom operators:
 * SignalWindow, SignalFftAutoScale, SignalRfft (int16), SignalEnergy, SignalFilterBank,
 * SignalFilterBankSquareRoot, SignalFilterBankSpectralSubtraction, SignalPCAN and
 * SignalFilterBankLog. Each follows the fixed-point arithmetic of TFLM's signal/src at the pinned
 * commit, including its integer widths and wrap-arounds, so the outputs are TFLM's bits. */
#ifndef TB_SIGNAL_H
#define TB_SIGNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tb_kernel_types.h"

/* The number of significant bits of x (1..32), and 32 for x == 0, as TFLM's GCC build
 * (host and Cortex-M alike) computes it with __builtin_clz. */
static inline uint32_t tb_signal_msb32(uint32_t x)
{
    return x != 0u ? 32u - (uint32_t)__builtin_clz(x) : 32u;
}

static inline uint32_t tb_signal_msb64(uint64_t x)
{
    return x != 0u ? 64u - (uint32_t)__builtin_clzll(x) : 64u;
}

/* One complex int16 value, real part first (the layout of the RFFT's output tensor). */
typedef struct {
    int16_t r;
    int16_t i;
} tb_cpx16_t;

/* SignalWindow: each block of `window_size` values times the window, shifted right. */
typedef struct {
    int32_t size;        /* input elements, a multiple of window_size */
    int32_t window_size;
    int32_t shift;
} tb_signal_window_params_t;

tb_status_t tb_signal_window_s16(const tb_signal_window_params_t *params, const int16_t *input,
                                 const int16_t *window, int16_t *output);

/* SignalFftAutoScale: scales `size` values up by the largest power of two that keeps the largest
 * magnitude within int16; writes the number of bits to *scale_bits. */
tb_status_t tb_signal_fft_auto_scale_s16(int32_t size, const int16_t *input, int16_t *output,
                                         int32_t *scale_bits);

/* SignalRfft (int16): kissfft's fixed-point real FFT. The complex FFT of half length runs in
 * stages of radix 2 or 4 (factors: radix, remaining length, ...), each dividing by its radix. */
typedef struct {
    int32_t fft_length;     /* real input length of one FFT, even */
    int32_t input_length;   /* values per frame (the input's last dimension), <= fft_length */
    int32_t frames;         /* frames (input elements / input_length) */
    int32_t output_length;  /* complex values per frame in the output (fft_length / 2 + 1) */
    const int16_t *factors; /* radix, remaining length, ..., ending with remaining length 1 */
    const tb_cpx16_t *twiddles;       /* fft_length / 2 values: e^(-2 pi i k / (fft_length / 2)) */
    const tb_cpx16_t *super_twiddles; /* fft_length / 4 values for the real-input split */
    int16_t *work;        /* fft_length values (a frame zero-padded) */
    tb_cpx16_t *spectrum; /* fft_length / 2 values (the complex FFT's output) */
} tb_signal_rfft_params_t;

tb_status_t tb_signal_rfft_s16(const tb_signal_rfft_params_t *params, const int16_t *input, tb_cpx16_t *output);

/* SignalEnergy: |x|^2 of the complex values start..end-1 (the rest of the output is zeroed). */
typedef struct {
    int32_t start_index;
    int32_t end_index;
    int32_t output_size;
} tb_signal_energy_params_t;

tb_status_t tb_signal_energy_s16(const tb_signal_energy_params_t *params, const tb_cpx16_t *input,
                                 uint32_t *output);

/* SignalFilterBank: triangular mel channels from a power spectrum (num_channels + 1 bands; band c
 * adds its weighted sum to channel c - 1 and its unweighted sum to channel c). */
typedef struct {
    int32_t num_channels;
    const int16_t *weights;
    const int16_t *unweights;
    const int16_t *frequency_starts;
    const int16_t *weight_starts;
    const int16_t *widths;
} tb_signal_filter_bank_params_t;

tb_status_t tb_signal_filter_bank_u32(const tb_signal_filter_bank_params_t *params, const uint32_t *input,
                                      uint64_t *output);

/* SignalFilterBankSquareRoot: rounded integer square root, shifted right by *scale_bits. */
tb_status_t tb_signal_filter_bank_square_root_u64(int32_t num_channels, const uint64_t *input,
                                                  const int32_t *scale_bits, uint32_t *output);

/* SignalFilterBankSpectralSubtraction: a smoothed noise estimate per channel (kept from one
 * inference to the next in `noise`) subtracted from the signal, floored. */
typedef struct {
    int32_t num_channels;
    uint32_t smoothing;
    uint32_t one_minus_smoothing;
    uint32_t alternate_smoothing;           /* odd channels */
    uint32_t alternate_one_minus_smoothing; /* odd channels */
    uint32_t min_signal_remaining;
    uint32_t smoothing_bits;
    uint32_t spectral_subtraction_bits;
    int32_t clamping;
    uint32_t *noise; /* num_channels values of state */
} tb_signal_spectral_subtraction_params_t;

tb_status_t tb_signal_filter_bank_spectral_subtraction_u32(const tb_signal_spectral_subtraction_params_t *params,
                                                           const uint32_t *input, uint32_t *output,
                                                           uint32_t *noise_estimate);

/* SignalPCAN: per-channel automatic gain control from the noise estimate (gain lookup table of
 * 125 int16 entries), then compression. */
typedef struct {
    int32_t num_channels;
    int32_t snr_shift;
} tb_signal_pcan_params_t;

tb_status_t tb_signal_pcan_u32(const tb_signal_pcan_params_t *params, const uint32_t *input,
                               const uint32_t *noise_estimate, const int16_t *gain_lut, uint32_t *output);

/* SignalFilterBankLog: scaled natural logarithm, saturated to int16 (0 for inputs <= 1). */
typedef struct {
    int32_t num_channels;
    uint32_t input_correction_bits;
    uint32_t output_scale;
} tb_signal_log_params_t;

tb_status_t tb_signal_filter_bank_log_u32(const tb_signal_log_params_t *params, const uint32_t *input,
                                          int16_t *output);

#endif /* TB_SIGNAL_H */
