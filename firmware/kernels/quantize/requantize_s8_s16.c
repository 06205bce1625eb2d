/* QUANTIZE int8 -> int16 (requantization), matching TFLM's reference Requantize. */
#include "quantize/requantize_impl.h"

TB_DEFINE_REQUANTIZE(tb_requantize_s8_s16, int8_t, int16_t, INT16_MIN, INT16_MAX)
