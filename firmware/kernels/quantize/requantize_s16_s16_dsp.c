/* QUANTIZE int16 -> int16 (requantization), optimized: bit-exact with tb_requantize_s16_s16. */
#include "quantize/requantize_dsp_impl.h"

TB_DEFINE_REQUANTIZE_DSP(tb_requantize_s16_s16_dsp, int16_t, int16_t, 16)
