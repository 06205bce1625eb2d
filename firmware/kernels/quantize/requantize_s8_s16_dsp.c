/* QUANTIZE int8 -> int16 (requantization), optimized: bit-exact with tb_requantize_s8_s16. */
#include "quantize/requantize_dsp_impl.h"

TB_DEFINE_REQUANTIZE_DSP(tb_requantize_s8_s16_dsp, int8_t, int16_t, 16)
