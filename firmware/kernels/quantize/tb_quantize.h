/* QUANTIZE kernels: float32 -> int8/int16 and requantization between int8, uint8, int16 and int32. */
#ifndef TB_QUANTIZE_H
#define TB_QUANTIZE_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* Requantization offsets (every integer pair). */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
} tb_requantize_params_t;

/* QUANTIZE float32 -> int8: round(x / scale) (ties away from zero) + zero_point, clamped.
 * NaN maps to -128; values beyond the int8 range saturate. */
tb_status_t tb_quantize_f32_s8(const tb_affine_params_t *params,
                               int32_t size,
                               const float *input,
                               int8_t *output);

/* QUANTIZE int8 -> int8: rescale (x - in_zp) by quant, + out_zp, clamped. */
tb_status_t tb_requantize_s8_s8(const tb_requantize_params_t *params,
                                const tb_quant_t *quant,
                                int32_t size,
                                const int8_t *input,
                                int8_t *output);

/* QUANTIZE uint8 -> int8 and int8 -> uint8 (the converter's uint8 model edges): the same
 * rescaling with the output clamped to its own type's range. */
tb_status_t tb_requantize_u8_s8(const tb_requantize_params_t *params,
                                const tb_quant_t *quant,
                                int32_t size,
                                const uint8_t *input,
                                int8_t *output);

tb_status_t tb_requantize_s8_u8(const tb_requantize_params_t *params,
                                const tb_quant_t *quant,
                                int32_t size,
                                const int8_t *input,
                                uint8_t *output);

/* QUANTIZE float32 -> int16: as float32 -> int8, clamped to int16; NaN maps to -32768. */
tb_status_t tb_quantize_f32_s16(const tb_affine_params_t *params,
                                int32_t size,
                                const float *input,
                                int16_t *output);

/* The other requantizations TFLM's QUANTIZE runs (quantize_common.cc): the same rescaling,
 * clamped to the output type; int32 inputs and outputs wrap on overflow like TFLM's hosts. */
#define TB_DECLARE_REQUANTIZE(NAME, IN_T, OUT_T)                                                  \
    tb_status_t NAME(const tb_requantize_params_t *params, const tb_quant_t *quant, int32_t size, \
                     const IN_T *input, OUT_T *output)
TB_DECLARE_REQUANTIZE(tb_requantize_s16_s8, int16_t, int8_t);
/* The optimized set's forms between int8 and int16 (requantize_*_dsp.c; same arguments, bit-exact). */
TB_DECLARE_REQUANTIZE(tb_requantize_s16_s8_dsp, int16_t, int8_t);
TB_DECLARE_REQUANTIZE(tb_requantize_s8_s8_dsp, int8_t, int8_t);
TB_DECLARE_REQUANTIZE(tb_requantize_s8_s16_dsp, int8_t, int16_t);
TB_DECLARE_REQUANTIZE(tb_requantize_s16_s16_dsp, int16_t, int16_t);
TB_DECLARE_REQUANTIZE(tb_requantize_s16_s16, int16_t, int16_t);
TB_DECLARE_REQUANTIZE(tb_requantize_s16_s32, int16_t, int32_t);
TB_DECLARE_REQUANTIZE(tb_requantize_s8_s16, int8_t, int16_t);
TB_DECLARE_REQUANTIZE(tb_requantize_s8_s32, int8_t, int32_t);
TB_DECLARE_REQUANTIZE(tb_requantize_s32_s8, int32_t, int8_t);
TB_DECLARE_REQUANTIZE(tb_requantize_s32_s16, int32_t, int16_t);

#endif /* TB_QUANTIZE_H */
