/* The bench's int8 kernels: plain reference C, bit-exact with TFLM's reference kernels.
 *
 * Argument order: op params, quant params, then (dims, data) pairs for input, filter, bias and
 * output. Every kernel checks its arguments cheaply first and returns TB_ERR_ARG for a
 * combination it cannot handle; it never allocates.
 */
#ifndef TB_KERNELS_H
#define TB_KERNELS_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* FULLY_CONNECTED parameters, folded by the generator. */
typedef struct {
    int32_t input_offset;  /* -input zero point, in [-127, 128] */
    int32_t filter_offset; /* -filter zero point, in [-127, 128]; 0 for per-channel filters */
    int32_t output_offset; /* output zero point, in [-128, 127] */
    tb_activation_t activation;
} tb_fc_params_t;

/* Affine (de)quantization of one tensor: real = scale * (q - zero_point). */
typedef struct {
    float scale;
    int32_t zero_point;
} tb_affine_params_t;

/* int8 -> int8 requantization offsets. */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
} tb_requantize_params_t;

/*
 * int8 FULLY_CONNECTED with one output multiplier.
 * Shapes: input n = batches, c = depth; filter n = units, c = depth (row-major [units][depth]);
 * bias c = units (bias may be NULL: no bias); output n = batches, c = units. h and w are 1.
 */
tb_status_t tb_fully_connected_s8(const tb_fc_params_t *params,
                                  const tb_quant_t *quant,
                                  const tb_dims_t *input_dims,
                                  const int8_t *input,
                                  const tb_dims_t *filter_dims,
                                  const int8_t *filter,
                                  const tb_dims_t *bias_dims,
                                  const int32_t *bias,
                                  const tb_dims_t *output_dims,
                                  int8_t *output);

/* As tb_fully_connected_s8, with one multiplier and shift per unit (output channel). */
tb_status_t tb_fully_connected_per_channel_s8(const tb_fc_params_t *params,
                                              const tb_per_channel_quant_t *quant,
                                              const tb_dims_t *input_dims,
                                              const int8_t *input,
                                              const tb_dims_t *filter_dims,
                                              const int8_t *filter,
                                              const tb_dims_t *bias_dims,
                                              const int32_t *bias,
                                              const tb_dims_t *output_dims,
                                              int8_t *output);

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

/* DEQUANTIZE int8 -> float32: scale * (q - zero_point). */
tb_status_t tb_dequantize_s8_f32(const tb_affine_params_t *params,
                                 int32_t size,
                                 const int8_t *input,
                                 float *output);

#endif /* TB_KERNELS_H */
