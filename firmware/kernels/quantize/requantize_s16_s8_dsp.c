/* QUANTIZE int16 -> int8 (requantization), optimized: bit-exact with tb_requantize_s16_s8. */
#include "quantize/requantize_dsp_impl.h"

TB_DEFINE_REQUANTIZE_DSP(tb_requantize_s16_s8_dsp, int16_t, int8_t, 8)
