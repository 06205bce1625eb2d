/* CONV_2D kernels (int8, 16x8 and float32), following TFLM's reference kernels.
 *
 * Tensors are NHWC. Shapes: input n = batches, h, w, c = input depth; filter n = output
 * channels, h = kernel height, w = kernel width, c = filter depth (row-major
 * [out_c][kh][kw][filter depth]); bias c = output channels (bias may be NULL: no bias; n, h and
 * w of its dims are 1); output n = batches, h, w, c = output channels.
 *
 * Grouped convolution: when the filter depth is smaller than the input depth, the input
 * channels form input depth / filter depth groups; output channel o reads group
 * o / (output channels / groups).
 *
 * Taps that fall in the padding are skipped (zero padding). Returns TB_ERR_ARG on a NULL pointer,
 * inconsistent dims, a stride or dilation below 1, a negative padding, an empty activation range
 * or a shift outside -31..31.
 */
#ifndef TB_CONV2D_H
#define TB_CONV2D_H

#include <stdint.h>

#include "common/tb_dsp_gemm.h"
#include "common/tb_float.h"
#include "common/tb_window.h"
#include "tb_kernel_types.h"

/* int8 CONV_2D parameters, folded by the generator. */
typedef struct {
    int32_t input_offset;  /* -input zero point, in [-127, 128] */
    int32_t output_offset; /* output zero point, in [-128, 127] */
    tb_tile_t stride;      /* >= 1 */
    tb_tile_t padding;     /* rows/columns of padding before the first input row/column */
    tb_tile_t dilation;    /* >= 1 */
    tb_activation_t activation;
} tb_conv_params_t;

/* float32 CONV_2D parameters. */
typedef struct {
    tb_tile_t stride;
    tb_tile_t padding;
    tb_tile_t dilation;
    tb_activation_f32_t activation;
} tb_conv_f32_params_t;

/*
 * int8 CONV_2D with one output multiplier and shift per output channel (a per-tensor filter
 * repeats its one multiplier, as TFLM does). Filter zero points must be 0.
 * acc = sum filter * (input + input_offset) + bias, rescaled, + output_offset, clamped.
 */
tb_status_t tb_conv2d_s8(const tb_conv_params_t *params,
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
 * 16x8 CONV_2D (int16 input and output, int8 filter, per-channel multipliers), TFLM's int16
 * reference arithmetic: acc = sum filter * input (no offsets: int16 tensors are symmetric, so
 * params->input_offset and output_offset must be 0) + bias, in 64 bits, rescaled by TFLM's
 * 64-bit MultiplyByQuantizedMultiplier (common/tb_requant64.h; shifts -31..7), clamped.
 * Bias int64 or NULL.
 */
tb_status_t tb_conv2d_s16(const tb_conv_params_t *params,
                          const tb_per_channel_quant_t *quant,
                          const tb_dims_t *input_dims,
                          const int16_t *input,
                          const tb_dims_t *filter_dims,
                          const int8_t *filter,
                          const tb_dims_t *bias_dims,
                          const int64_t *bias,
                          const tb_dims_t *output_dims,
                          int16_t *output);

/*
 * As tb_conv2d_s16 with an int32 bias (or none when the model asks for int32 bias arithmetic):
 * TFLM then accumulates in 32 bits (wrapping) and rescales with the 32-bit
 * MultiplyByQuantizedMultiplier (shifts -31..31).
 */
tb_status_t tb_conv2d_s16_acc32(const tb_conv_params_t *params,
                                const tb_per_channel_quant_t *quant,
                                const tb_dims_t *input_dims,
                                const int16_t *input,
                                const tb_dims_t *filter_dims,
                                const int8_t *filter,
                                const tb_dims_t *bias_dims,
                                const int32_t *bias,
                                const tb_dims_t *output_dims,
                                int16_t *output);

/* Parameters of the optimized 16x8 CONV_2D (tb_conv2d_s16_dsp). */
typedef struct {
    tb_tile_t stride;
    tb_tile_t padding;
    tb_tile_t dilation;
    tb_activation_t activation; /* within int16 */
    int32_t acc32;              /* 1: TFLM's 32-bit accumulator and rescaling (int32 bias) */
    int32_t narrow;             /* 1: the whole receptive field's sum is exact in 32 bits (the
                                 * generator's bound 32768 x sum |w| < 2^31, or acc32, where
                                 * only the low 32 bits count); 0: 32-bit sums per tap, added
                                 * into 64 bits */
} tb_conv_s16_dsp_params_t;

/* int16 values per filter tap and group of 4 output channels in tb_conv2d_s16_dsp's layout. */
static inline int32_t tb_conv2d_s16_dsp_tap_len(int32_t depth)
{
    return (depth / 2) * 8 + (depth % 2) * 4;
}

/*
 * Optimized 16x8 CONV_2D, one group, filter depth = input depth <= 510: SMLAD on pairs of
 * channels, four output channels and two adjacent pixels at a time, 32-bit sums per tap added
 * into 64 bits (exact: a tap's sum stays below 510 x 2^22 < 2^31), or per receptive field when
 * params->narrow. `filter` is the generator's int16 layout: per group
 * of 4 output channels (zero channels pad the last), per tap (ky, kx), per pair of input
 * channels the 4 channels' pairs (c0 lo/hi, c1, c2, c3), then, for an odd depth, the 4
 * channels' last weights. `bias` is int64 (an int32 bias widened: with acc32 only the low 32
 * bits of the sum count, as in TFLM's wrapping accumulator) or NULL. Bit-exact with
 * tb_conv2d_s16 / tb_conv2d_s16_acc32. Returns TB_ERR_NO_IMPL for grouped or deeper layers.
 */
tb_status_t tb_conv2d_s16_dsp(const tb_conv_s16_dsp_params_t *params,
                              const tb_per_channel_quant_t *quant,
                              const int64_t *bias,
                              const tb_dims_t *input_dims,
                              const int16_t *input,
                              const tb_dims_t *filter_dims,
                              const int16_t *filter,
                              const tb_dims_t *output_dims,
                              int16_t *output);

/* float32 CONV_2D: the sum runs over kernel rows, columns, then filter depth, from 0.0f, and the
 * bias is added last, as in TFLM's reference kernel. */
tb_status_t tb_conv2d_f32(const tb_conv_f32_params_t *params,
                          const tb_dims_t *input_dims,
                          const float *input,
                          const tb_dims_t *filter_dims,
                          const float *filter,
                          const tb_dims_t *bias_dims,
                          const float *bias,
                          const tb_dims_t *output_dims,
                          float *output);

/* Constants of the optimized general CONV_2D (tb_conv2d_s8_dsp). */
typedef struct {
    tb_dsp_requant_t requant;      /* folded bias, multipliers, shifts */
    const int32_t *tap_correction; /* direct form: [tap][output channels rounded up to 4], added
                                    * for each tap in the padding (-input_offset * sum of that
                                    * tap's weights); NULL when the input offset is 0 */
} tb_conv_dsp_quant_t;

/*
 * Optimized int8 CONV_2D whose receptive fields are contiguous in the input: no padding, no
 * dilation, and a filter as wide as the input or one row high (1x1 filters included). `filter` is the generator's int16
 * layout (common/tb_dsp_gemm.h) as one reduction run of k_h * k_w * depth. Returns
 * TB_ERR_NO_IMPL for other geometries. Bit-exact with tb_conv2d_s8.
 */
tb_status_t tb_conv2d_rows_s8_dsp(const tb_conv_params_t *params,
                                  const tb_dsp_requant_t *quant,
                                  const tb_dims_t *input_dims,
                                  const int8_t *input,
                                  const tb_dims_t *filter_dims,
                                  const int16_t *filter,
                                  const tb_dims_t *output_dims,
                                  int8_t *output);

/*
 * Optimized int8 CONV_2D, any geometry, one group. With `scratch` (`scratch_rows` >= 1 rows of
 * tb_conv2d_s8_dsp_row_bytes, planned in the arena) it runs im2col, a GEMM call per
 * `scratch_rows` output pixels, and the filter
 * is laid out as one reduction run of k_h * k_w * depth; with scratch NULL it runs directly on
 * the input and the filter is laid out per tap (each tap's depth padded to a multiple of 4).
 * Returns TB_ERR_NO_IMPL for grouped convolutions. Bit-exact with tb_conv2d_s8.
 */
tb_status_t tb_conv2d_s8_dsp(int8_t *scratch,
                             int32_t scratch_rows,
                             const tb_conv_params_t *params,
                             const tb_conv_dsp_quant_t *quant,
                             const tb_dims_t *input_dims,
                             const int8_t *input,
                             const tb_dims_t *filter_dims,
                             const int16_t *filter,
                             const tb_dims_t *output_dims,
                             int8_t *output);

/* Bytes of one im2col row of tb_conv2d_s8_dsp: the receptive field rounded up to whole quads. */
static inline int32_t tb_conv2d_s8_dsp_row_bytes(const tb_dims_t *filter_dims)
{
    return (filter_dims->h * filter_dims->w * filter_dims->c + 3) & ~3;
}

/*
 * Optimized int8 CONV_2D in im2col form over pixel pairs: one group, any depth and geometry.
 * `scratch` (4-byte aligned) holds one pair of receptive fields widened to int16
 * (tb_conv2d_pairs_s8_dsp_bytes, planned in the arena); `filter` and `quant` are those of
 * tb_conv2d_s8_dsp's im2col form (one reduction run, no tap corrections). Returns
 * TB_ERR_NO_IMPL for grouped convolutions. Bit-exact with tb_conv2d_s8.
 */
tb_status_t tb_conv2d_pairs_s8_dsp(uint32_t *scratch,
                                   const tb_conv_params_t *params,
                                   const tb_conv_dsp_quant_t *quant,
                                   const tb_dims_t *input_dims,
                                   const int8_t *input,
                                   const tb_dims_t *filter_dims,
                                   const int16_t *filter,
                                   const tb_dims_t *output_dims,
                                   int8_t *output);

/* Bytes of tb_conv2d_pairs_s8_dsp's scratch: two receptive fields in whole quads as int16. */
static inline int32_t tb_conv2d_pairs_s8_dsp_bytes(const tb_dims_t *filter_dims)
{
    return 4 * tb_conv2d_s8_dsp_row_bytes(filter_dims);
}

#endif /* TB_CONV2D_H */