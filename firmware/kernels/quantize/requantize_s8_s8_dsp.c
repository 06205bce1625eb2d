/* QUANTIZE int8 -> int8 (requantization), optimized: bit-exact with tb_requantize_s8_s8. */
#include "quantize/requantize_dsp_impl.h"

TB_DEFINE_REQUANTIZE_DSP(tb_requantize_s8_s8_dsp, int8_t, int8_t, 8)
