/* Optimized int8 DEPTHWISE_CONV_2D kernels (Cortex-M4 DSP extension, C fallback elsewhere).
 *
 * Bit-exact with TFLM's reference kernel (tb_depthwise_conv2d_s8). The generator folds what it
 * knows ahead of time: filter values doubled and reordered, the input offset folded into the
 * bias of interior outputs, and per-channel requantization constants (common/tb_requant.h's
 * rows: TB_RQ_* words, TB_RQ_WORDS per output channel).
 *
 * Filter layout (int16, doubled values):
 *  - depth multiplier 1: groups of 4 channels (the last one zero-padded), per group every tap
 *    (row-major) as [c0, c2, c1, c3], which is what SXTB16 of 4 input bytes pairs with;
 *  - depth multiplier > 1: [out_channel][tap].
 *
 * Returns TB_ERR_ARG on a NULL pointer or inconsistent dims, TB_ERR_NO_IMPL for a case the
 * variant does not cover (the generator only picks a variant that covers the layer).
 */
#ifndef TB_DEPTHWISE_CONV2D_DSP_H
#define TB_DEPTHWISE_CONV2D_DSP_H

#include <stdint.h>

#include "common/tb_window.h"
#include "tb_kernel_types.h"

typedef struct {
    int32_t input_offset;     /* -input zero point */
    int32_t depth_multiplier; /* >= 1 */
    tb_tile_t stride;
    tb_tile_t padding;
    tb_tile_t dilation;
    tb_tile_t filter;         /* kernel height and width */
    tb_activation_t activation;
    int32_t clamp;            /* nonzero when the activation range is narrower than int8 */
    /* One pixel of input channels (rounded up to 4), all holding the input zero point (NULL:
     * none). A tap in the padding that reads it adds filter x (zp - zp) = 0, so border outputs
     * run the interior code with the offset-folded bias. The general variant needs it (and at
     * most 64 taps) for its tap-offset paths; without it, it runs bounds-checked loops. */
    const int8_t *pad_pixel;
    /* Every right shift e >= 1 and depth multiplier 1 (either variant) or a multiple of 4
     * (general variant; the pairs variant: its groups of 4 outputs only, in order), or NULL: per group of 4 output channels the offset-folded biases x2,
     * multipliers, SMMLAR addends and right shifts, 4 of each (common/tb_requant.h's groups,
     * TB_RQ4_*), so a full group requantizes and stores as one word. */
    const int32_t *packed;
} tb_depthwise_conv_dsp_params_t;

/* Any geometry and depth multiplier: per output pixel a table of tap offsets (interior pixels
 * share one; border pixels point padding taps at pad_pixel, or list only the taps inside when
 * most are outside). */
tb_status_t tb_depthwise_conv2d_s8_dsp(const tb_depthwise_conv_dsp_params_t *params,
                                       const int32_t *requant,
                                       const tb_dims_t *input_dims,
                                       const int8_t *input,
                                       const int16_t *filter,
                                       const tb_dims_t *output_dims,
                                       int8_t *output);

/* Any number of channels (the generator: up to 2 input channels and 3 outputs, where one pass
 * per output channel beats groups of 4), any geometry. Filter: per output channel its taps
 * (row-major, doubled), padded to an even count. `prefix`: per output channel (kh + 1) x (kw + 1)
 * words, [ky][kx] = 2 x input offset x the sum of the filter taps in rows < ky and columns < kx,
 * so the bias of a pixel whose taps inside the input are rows [ky0, ky1) x columns [kx0, kx1) is
 * the raw bias x 2 plus four of them. pad_pixel and packed are not read. */
tb_status_t tb_depthwise_conv2d_few_s8_dsp(const tb_depthwise_conv_dsp_params_t *params,
                                           const int32_t *requant,
                                           const int32_t *prefix,
                                           const tb_dims_t *input_dims,
                                           const int8_t *input,
                                           const int16_t *filter,
                                           const tb_dims_t *output_dims,
                                           int8_t *output);
/* Depth multiplier >= 2, at most 64 taps, with the pad pixel: taps in pairs (SMLAD), the
 * outputs of an input channel in groups of 4, 3 and 2. Filter: doubled int16 values, per input
 * channel, per group of G outputs, per pair of taps (row-major, the last one padded with 0), G
 * words of two values. `packed`: the groups of 4 outputs only, in order. */
tb_status_t tb_depthwise_conv2d_mult_s8_dsp(const tb_depthwise_conv_dsp_params_t *params,
                                            const int32_t *requant,
                                            const tb_dims_t *input_dims,
                                            const int8_t *input,
                                            const int16_t *filter,
                                            const tb_dims_t *output_dims,
                                            int8_t *output);

/* 3x3 filter, depth multiplier 1, dilation 1, any stride and padding: interior outputs take an
 * unrolled path without bounds checks or offset additions. */
tb_status_t tb_depthwise_conv2d_3x3_s8_dsp(const tb_depthwise_conv_dsp_params_t *params,
                                           const int32_t *requant,
                                           const tb_dims_t *input_dims,
                                           const int8_t *input,
                                           const int16_t *filter,
                                           const tb_dims_t *output_dims,
                                           int8_t *output);

#endif /* TB_DEPTHWISE_CONV2D_DSP_H */
