/* QUANTIZE int8 -> int32 (requantization), matching TFLM's reference Requantize. */
#include "quantize/requantize_impl.h"

TB_DEFINE_REQUANTIZE(tb_requantize_s8_s32, int8_t, int32_t, INT32_MIN, INT32_MAX)
