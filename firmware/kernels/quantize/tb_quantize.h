/* QUANTIZE kernels: float32 -> int8, int8/uint8 -> int8/uint8, int16 -> int8/int32. */
#ifndef TB_QUANTIZE_H
#define TB_QUANTIZE_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* int8 -> int8 requantization offsets. */
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

/* QUANTIZE int16 -> int8 and int16 -> int32: the same rescaling, clamped to the output type
 * (int32: no clamp). */
tb_status_t tb_requantize_s16_s8(const tb_requantize_params_t *params,
                                 const tb_quant_t *quant,
                                 int32_t size,
                                 const int16_t *input,
                                 int8_t *output);

tb_status_t tb_requantize_s16_s32(const tb_requantize_params_t *params,
                                  const tb_quant_t *quant,
                                  int32_t size,
                                  const int16_t *input,
                                  int32_t *output);

#endif /* TB_QUANTIZE_H */
