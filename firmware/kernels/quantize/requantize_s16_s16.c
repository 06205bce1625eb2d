/* QUANTIZE int16 -> int16 (requantization), matching TFLM's reference Requantize. */
#include "quantize/requantize_impl.h"

TB_DEFINE_REQUANTIZE(tb_requantize_s16_s16, int16_t, int16_t, INT16_MIN, INT16_MAX)
