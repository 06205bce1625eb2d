/* QUANTIZE int32 -> int16 (requantization), matching TFLM's reference Requantize. */
#include "quantize/requantize_impl.h"

TB_DEFINE_REQUANTIZE(tb_requantize_s32_s16, int32_t, int16_t, INT16_MIN, INT16_MAX)
