/* DEPTHWISE_CONV_2D kernels (int8 and float32), following TFLM's reference kernels.
 *
 * Tensors are NHWC. Shapes: input n = batches, h, w, c = input channels; filter n = 1,
 * h = kernel height, w = kernel width, c = output channels (row-major [1][kh][kw][out_c]);
 * bias c = output channels (bias may be NULL: no bias); output n = batches, h, w,
 * c = input channels x depth_multiplier. Output channel m + in_channel * depth_multiplier reads
 * input channel in_channel only.
 *
 * Taps that fall in the padding are skipped. Returns TB_ERR_ARG on a NULL pointer, inconsistent
 * dims, a depth multiplier, stride or dilation below 1, a negative padding, an empty activation
 * range or a shift outside -31..31.
 */
#ifndef TB_DEPTHWISE_CONV2D_H
#define TB_DEPTHWISE_CONV2D_H

#include <stdint.h>

#include "common/tb_float.h"
#include "common/tb_window.h"
#include "tb_kernel_types.h"

/* int8 DEPTHWISE_CONV_2D parameters, folded by the generator. */
typedef struct {
    int32_t input_offset;     /* -input zero point, in [-127, 128] */
    int32_t output_offset;    /* output zero point, in [-128, 127] */
    int32_t depth_multiplier; /* output channels per input channel, >= 1 */
    tb_tile_t stride;
    tb_tile_t padding;        /* rows/columns of padding before the first input row/column */
    tb_tile_t dilation;
    tb_activation_t activation;
} tb_depthwise_conv_params_t;

/* float32 DEPTHWISE_CONV_2D parameters. */
typedef struct {
    int32_t depth_multiplier;
    tb_tile_t stride;
    tb_tile_t padding;
    tb_tile_t dilation;
    tb_activation_f32_t activation;
} tb_depthwise_conv_f32_params_t;

/* int8 DEPTHWISE_CONV_2D with one output multiplier and shift per output channel.
 * Filter zero points must be 0. */
tb_status_t tb_depthwise_conv2d_s8(const tb_depthwise_conv_params_t *params,
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
 * 16x8 DEPTHWISE_CONV_2D (int16 input and output, int8 filter, per-channel multipliers), TFLM's
 * int16 reference arithmetic: acc = sum filter * input in 64 bits (no offsets: they must be 0),
 * + bias (int64 or NULL), rescaled by TFLM's 64-bit MultiplyByQuantizedMultiplier
 * (common/tb_requant64.h; shifts -31..7), clamped.
 */
tb_status_t tb_depthwise_conv2d_s16(const tb_depthwise_conv_params_t *params,
                                    const tb_per_channel_quant_t *quant,
                                    const tb_dims_t *input_dims,
                                    const int16_t *input,
                                    const tb_dims_t *filter_dims,
                                    const int8_t *filter,
                                    const tb_dims_t *bias_dims,
                                    const int64_t *bias,
                                    const tb_dims_t *output_dims,
                                    int16_t *output);

/* float32 DEPTHWISE_CONV_2D: the sum runs over kernel rows then columns from 0.0f and the bias is
 * added last, as in TFLM's reference kernel. */
tb_status_t tb_depthwise_conv2d_f32(const tb_depthwise_conv_f32_params_t *params,
                                    const tb_dims_t *input_dims,
                                    const float *input,
                                    const tb_dims_t *filter_dims,
                                    const float *filter,
                                    const tb_dims_t *bias_dims,
                                    const float *bias,
                                    const tb_dims_t *output_dims,
                                    float *output);

#endif /* TB_DEPTHWISE_CONV2D_H */
