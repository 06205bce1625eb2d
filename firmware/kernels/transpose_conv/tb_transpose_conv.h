/* TRANSPOSE_CONV kernels (int8, int16 activations with int8 weights, float32), following the
 * arithmetic of TFLM's reference kernels.
 *
 * Tensors are NHWC. Shapes: input n = batches, h, w, c = input depth; filter n = output
 * channels, h = kernel height, w = kernel width, c = input depth (row-major
 * [out_c][kh][kw][in_c]); output n = batches, h, w, c = output channels. The bias (may be NULL)
 * has one value per output channel.
 *
 * TFLM scatters every input pixel into an accumulator buffer the size of the output. These
 * kernels gather instead: output pixel (y, x) sums, over the input pixels (iy, ix) with
 * 0 <= y + padding.h - iy * stride.h < kh (same for x), input x filter tap
 * (y + padding.h - iy * stride.h, x + padding.w - ix * stride.w). The terms and, for float32,
 * their order (input rows, then columns, then channels, ascending; the bias last) are TFLM's, so
 * the results are the same bits without the scratch buffer.
 *
 * Returns TB_ERR_ARG on a NULL pointer, inconsistent dims, a stride below 1, a negative padding,
 * an empty activation range or a shift the rescaling cannot apply.
 */
#ifndef TB_TRANSPOSE_CONV_H
#define TB_TRANSPOSE_CONV_H

#include <stdint.h>

#include "common/tb_float.h"
#include "common/tb_window.h"
#include "tb_kernel_types.h"

/* int8 and 16x8 parameters, folded by the generator (TFLM's Prepare). */
typedef struct {
    int32_t input_offset;  /* -input zero point (int8; 0 for int16, which TFLM ignores) */
    int32_t output_offset; /* output zero point (int8; 0 for int16, which TFLM ignores) */
    tb_tile_t stride;      /* >= 1 */
    tb_tile_t padding;     /* TFLM's padding of the equivalent forward convolution */
    tb_activation_t activation;
} tb_transpose_conv_params_t;

/* float32 parameters. */
typedef struct {
    tb_tile_t stride;
    tb_tile_t padding;
    tb_activation_f32_t activation;
} tb_transpose_conv_f32_params_t;

/* int8: acc = sum filter * (input + input_offset) (int32) + bias, rescaled per channel,
 * + output_offset, clamped. Filter zero points must be 0. */
tb_status_t tb_transpose_conv_s8(const tb_transpose_conv_params_t *params,
                                 const tb_per_channel_quant_t *quant,
                                 const tb_dims_t *input_dims,
                                 const int8_t *input,
                                 const tb_dims_t *filter_dims,
                                 const int8_t *filter,
                                 const int32_t *bias,
                                 const tb_dims_t *output_dims,
                                 int8_t *output);

/* 16x8: acc = sum filter * input (int64) + bias (int64; an int16 bias is widened by the
 * generator, as TFLM widens it at run time), rescaled with TFLM's 64-bit
 * MultiplyByQuantizedMultiplier (shifts -31..7), clamped; no offsets. */
tb_status_t tb_transpose_conv_s16(const tb_transpose_conv_params_t *params,
                                  const tb_per_channel_quant_t *quant,
                                  const tb_dims_t *input_dims,
                                  const int16_t *input,
                                  const tb_dims_t *filter_dims,
                                  const int8_t *filter,
                                  const int64_t *bias,
                                  const tb_dims_t *output_dims,
                                  int16_t *output);

/* Optimized (DSP) forms of the two above: the same sums, four channels per SMLAD / SMLALD
 * pair; same arguments and results, except that the 16x8 filter holds each whole quad of input
 * channels as (w0, w2, w1, w3) (generator/ops/transpose_conv.py quad_interleaved). */
tb_status_t tb_transpose_conv_s8_dsp(const tb_transpose_conv_params_t *params,
                                     const tb_per_channel_quant_t *quant,
                                     const tb_dims_t *input_dims,
                                     const int8_t *input,
                                     const tb_dims_t *filter_dims,
                                     const int8_t *filter,
                                     const int32_t *bias,
                                     const tb_dims_t *output_dims,
                                     int8_t *output);
tb_status_t tb_transpose_conv_s16_dsp(const tb_transpose_conv_params_t *params,
                                      const tb_per_channel_quant_t *quant,
                                      const tb_dims_t *input_dims,
                                      const int16_t *input,
                                      const tb_dims_t *filter_dims,
                                      const int8_t *filter,
                                      const int64_t *bias,
                                      const tb_dims_t *output_dims,
                                      int16_t *output);

/* float32: the sum from 0.0f in TFLM's order, + bias, clamped. */
tb_status_t tb_transpose_conv_f32(const tb_transpose_conv_f32_params_t *params,
                                  const tb_dims_t *input_dims,
                                  const float *input,
                                  const tb_dims_t *filter_dims,
                                  const float *filter,
                                  const float *bias,
                                  const tb_dims_t *output_dims,
                                  float *output);

#endif /* TB_TRANSPOSE_CONV_H */
