/* FULLY_CONNECTED kernels (int8 and float32); int8 bit-exact with TFLM's reference kernels. */
#ifndef TB_FULLY_CONNECTED_H
#define TB_FULLY_CONNECTED_H

#include <stdint.h>

#include "common/tb_dsp_gemm.h"
#include "common/tb_float.h"
#include "tb_kernel_types.h"

/* FULLY_CONNECTED parameters, folded by the generator. */
typedef struct {
    int32_t input_offset;  /* -input zero point, in [-127, 128] */
    int32_t filter_offset; /* -filter zero point, in [-127, 128]; 0 for per-channel filters */
    int32_t output_offset; /* output zero point, in [-128, 127] */
    tb_activation_t activation;
} tb_fc_params_t;

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

/*
 * Optimized int8 FULLY_CONNECTED (per-tensor or per-channel: `quant` holds one multiplier and
 * shift per unit and the folded bias). `filter` is the generator's int16 layout
 * (common/tb_dsp_gemm.h). The filter offset must be 0 (else TB_ERR_NO_IMPL).
 * Bit-exact with tb_fully_connected_s8 / tb_fully_connected_per_channel_s8.
 */
tb_status_t tb_fully_connected_s8_dsp(const tb_fc_params_t *params,
                                      const tb_dsp_requant_t *quant,
                                      const tb_dims_t *input_dims,
                                      const int8_t *input,
                                      const tb_dims_t *filter_dims,
                                      const int16_t *filter,
                                      const tb_dims_t *output_dims,
                                      int8_t *output);

/*
 * 16x8 FULLY_CONNECTED (int16 input and output, int8 weights), TFLM's int16 reference
 * arithmetic: acc = sum (weight + filter_offset) * (input + input_offset) + bias in 64 bits,
 * rescaled by TFLM's 64-bit MultiplyByQuantizedMultiplier (common/tb_requant64.h; shifts
 * -31..7), + output_offset, clamped. `quant` holds one multiplier and shift per unit (a
 * per-tensor filter repeats its one pair). Bias int64 or NULL. Shapes as tb_fully_connected_s8.
 */
tb_status_t tb_fully_connected_s16(const tb_fc_params_t *params,
                                   const tb_per_channel_quant_t *quant,
                                   const tb_dims_t *input_dims,
                                   const int16_t *input,
                                   const tb_dims_t *filter_dims,
                                   const int8_t *filter,
                                   const tb_dims_t *bias_dims,
                                   const int64_t *bias,
                                   const tb_dims_t *output_dims,
                                   int16_t *output);

/* As tb_fully_connected_s16 with an int32 bias (or none when the model asks for int32 bias
 * arithmetic): a 32-bit accumulator (wrapping) and the 32-bit rescaling (shifts -31..31). */
tb_status_t tb_fully_connected_s16_acc32(const tb_fc_params_t *params,
                                         const tb_per_channel_quant_t *quant,
                                         const tb_dims_t *input_dims,
                                         const int16_t *input,
                                         const tb_dims_t *filter_dims,
                                         const int8_t *filter,
                                         const tb_dims_t *bias_dims,
                                         const int32_t *bias,
                                         const tb_dims_t *output_dims,
                                         int16_t *output);

/* float32 FULLY_CONNECTED parameters. */
typedef struct {
    tb_activation_f32_t activation;
} tb_fc_f32_params_t;

/*
 * float32 FULLY_CONNECTED, shapes as tb_fully_connected_s8. Each output sums input * weight over
 * the depth from 0.0f in order, then adds the bias (if any) and clamps, as TFLM's reference
 * kernel does.
 */
tb_status_t tb_fully_connected_f32(const tb_fc_f32_params_t *params,
                                   const tb_dims_t *input_dims,
                                   const float *input,
                                   const tb_dims_t *filter_dims,
                                   const float *filter,
                                   const tb_dims_t *bias_dims,
                                   const float *bias,
                                   const tb_dims_t *output_dims,
                                   float *output);

#endif /* TB_FULLY_CONNECTED_H */
