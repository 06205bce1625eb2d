/* DEQUANTIZE kernels: int8, int16 and uint8 -> float32. */
#ifndef TB_DEQUANTIZE_H
#define TB_DEQUANTIZE_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* DEQUANTIZE int8 -> float32: scale * (q - zero_point). */
tb_status_t tb_dequantize_s8_f32(const tb_affine_params_t *params,
                                 int32_t size,
                                 const int8_t *input,
                                 float *output);

/* DEQUANTIZE int16 -> float32: scale * (q - zero_point). */
tb_status_t tb_dequantize_s16_f32(const tb_affine_params_t *params,
                                  int32_t size,
                                  const int16_t *input,
                                  float *output);

/* DEQUANTIZE uint8 -> float32: scale * (q - zero_point). */
tb_status_t tb_dequantize_u8_f32(const tb_affine_params_t *params,
                                 int32_t size,
                                 const uint8_t *input,
                                 float *output);

#endif /* TB_DEQUANTIZE_H */
