/* QUANTIZE int16 -> int32 (requantization), matching TFLM's reference Requantize. */
#include "quantize/requantize_impl.h"

TB_DEFINE_REQUANTIZE(tb_requantize_s16_s32, int16_t, int32_t, INT32_MIN, INT32_MAX)
