/* QUANTIZE int16 -> int8 (requantization), matching TFLM's reference Requantize. */
#include "quantize/requantize_impl.h"

TB_DEFINE_REQUANTIZE(tb_requantize_s16_s8, int16_t, int8_t, INT8_MIN, INT8_MAX)
