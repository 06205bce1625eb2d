/* The loop shared by the 16x8 CONV_2D kernels (int16 activations, int8 filter), as TFLM's
 * reference ConvPerChannel for int16 computes it. Included by conv2d_s16.c (64-bit accumulator,
 * int64 bias) and conv2d_s16_acc32.c (32-bit accumulator, int32 bias), which pass a constant
 * `acc32` so that each compiles to its own loop. */
#ifndef TB_CONV2D_S16_COMMON_H
#define TB_CONV2D_S16_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_requant.h"
#include "common/tb_requant64.h"
#include "conv2d/conv2d_common.h"
#include "conv2d/tb_conv2d.h"

/* Sum of filter x input over one receptive field (taps in the padding skipped). |product| <=
 * 128 x 32768, so the sum fits 64 bits for any filter a model can hold. */
static inline int64_t tb_conv2d_s16_field(const tb_conv_params_t *params,
                                          const tb_dims_t *input_dims,
                                          const int16_t *input,
                                          const tb_dims_t *filter_dims,
                                          const int8_t *filter,
                                          int32_t b, int32_t y0, int32_t x0, int32_t oc, int32_t first_in_c)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w, k_c = filter_dims->c;
    int64_t acc = 0;
    for (int32_t ky = 0; ky < k_h; ky++) {
        const int32_t y = y0 + ky * params->dilation.h;
        if (y < 0 || y >= in_h) {
            continue; /* padding row: skipped */
        }
        for (int32_t kx = 0; kx < k_w; kx++) {
            const int32_t x = x0 + kx * params->dilation.w;
            if (x < 0 || x >= in_w) {
                continue; /* padding column: skipped */
            }
            const int16_t *in_px = input + tb_nhwc_offset(in_h, in_w, in_c, b, y, x, first_in_c);
            const int8_t *f_px = filter + tb_nhwc_offset(k_h, k_w, k_c, oc, ky, kx, 0);
            int32_t run = 0; /* one tap: |run| <= k_c x 2^22, below 2^31 for k_c < 512 */
            int32_t ic = 0;
            for (; ic + 256 <= k_c; ic += 256) {
                for (int32_t i = ic; i < ic + 256; i++) {
                    run += (int32_t)f_px[i] * (int32_t)in_px[i];
                }
                acc += run;
                run = 0;
            }
            for (; ic < k_c; ic++) {
                run += (int32_t)f_px[ic] * (int32_t)in_px[ic];
            }
            acc += run;
        }
    }
    return acc;
}

static inline tb_status_t tb_conv2d_s16_run(const tb_conv_params_t *params,
                                            const tb_per_channel_quant_t *quant,
                                            const tb_dims_t *input_dims,
                                            const int16_t *input,
                                            const tb_dims_t *filter_dims,
                                            const int8_t *filter,
                                            const tb_dims_t *bias_dims,
                                            const int64_t *bias64,
                                            const int32_t *bias32,
                                            const tb_dims_t *output_dims,
                                            int16_t *output,
                                            int acc32)
{
    const int has_bias = acc32 ? bias32 != NULL : bias64 != NULL;
    if (params == NULL || quant == NULL || quant->multiplier == NULL || quant->shift == NULL ||
        input_dims == NULL || input == NULL || filter_dims == NULL || filter == NULL ||
        output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status = tb_conv2d_check_shapes(&params->stride, &params->padding, &params->dilation,
                                                      input_dims, filter_dims, bias_dims, has_bias, output_dims);
    if (status != TB_OK) {
        return status;
    }
    /* int16 tensors are symmetric: TFLM's 16x8 kernel has no offsets. */
    if (params->input_offset != 0 || params->output_offset != 0 ||
        params->activation.min > params->activation.max || params->activation.min < INT16_MIN ||
        params->activation.max > INT16_MAX) {
        return TB_ERR_ARG;
    }
    if (acc32 ? !tb_shifts_in_range(quant->shift, output_dims->c)
              : !tb_shifts64_in_range(quant->shift, output_dims->c)) {
        return TB_ERR_ARG;
    }

    const int32_t in_c = input_dims->c, k_c = filter_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t per_group = out_c / (in_c / k_c);

    for (int32_t b = 0; b < output_dims->n; b++) {
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                int16_t *out_px = output + tb_nhwc_offset(out_h, out_w, out_c, b, oy, ox, 0);
                for (int32_t oc = 0; oc < out_c; oc++) {
                    const int64_t sum = tb_conv2d_s16_field(params, input_dims, input, filter_dims, filter, b,
                                                            y0, x0, oc, (oc / per_group) * k_c);
                    int32_t scaled;
                    if (acc32) {
                        /* TFLM's int32 accumulator wraps; the wrapped sum is the low 32 bits. */
                        uint32_t acc = (uint32_t)(uint64_t)sum;
                        if (bias32 != NULL) {
                            acc += (uint32_t)bias32[oc];
                        }
                        scaled = tb_multiply_by_quantized_multiplier((int32_t)acc, quant->multiplier[oc],
                                                                     quant->shift[oc]);
                    } else {
                        uint64_t acc = (uint64_t)sum;
                        if (bias64 != NULL) {
                            acc += (uint64_t)bias64[oc];
                        }
                        scaled = tb_multiply_by_quantized_multiplier_64((int64_t)acc, quant->multiplier[oc],
                                                                        quant->shift[oc]);
                    }
                    out_px[oc] = (int16_t)tb_clamp_s32(scaled, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TB_OK;
}

#endif /* TB_CONV2D_S16_COMMON_H */
