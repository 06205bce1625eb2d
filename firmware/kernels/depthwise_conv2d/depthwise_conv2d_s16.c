/* 16x8 DEPTHWISE_CONV_2D with an int64 bias (or none): TFLM's 64-bit accumulator and rescaling. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "common/tb_requant64.h"
#include "depthwise_conv2d/depthwise_conv2d_common.h"
#include "depthwise_conv2d/tb_depthwise_conv2d.h"

tb_status_t tb_depthwise_conv2d_s16(const tb_depthwise_conv_params_t *params,
                                    const tb_per_channel_quant_t *quant,
                                    const tb_dims_t *input_dims,
                                    const int16_t *input,
                                    const tb_dims_t *filter_dims,
                                    const int8_t *filter,
                                    const tb_dims_t *bias_dims,
                                    const int64_t *bias,
                                    const tb_dims_t *output_dims,
                                    int16_t *output)
{
    if (params == NULL || quant == NULL || quant->multiplier == NULL || quant->shift == NULL ||
        input_dims == NULL || input == NULL || filter_dims == NULL || filter == NULL ||
        output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status = tb_depthwise_check_shapes(
        params->depth_multiplier, &params->stride, &params->padding, &params->dilation, input_dims,
        filter_dims, bias_dims, bias != NULL, output_dims);
    if (status != TB_OK) {
        return status;
    }
    if (params->input_offset != 0 || params->output_offset != 0 ||
        params->activation.min > params->activation.max || params->activation.min < INT16_MIN ||
        params->activation.max > INT16_MAX) {
        return TB_ERR_ARG;
    }
    if (!tb_shifts64_in_range(quant->shift, output_dims->c)) {
        return TB_ERR_ARG;
    }

    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t multiplier = params->depth_multiplier;

    for (int32_t b = 0; b < output_dims->n; b++) {
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                for (int32_t ic = 0; ic < in_c; ic++) {
                    for (int32_t m = 0; m < multiplier; m++) {
                        const int32_t oc = m + ic * multiplier;
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
                                const int32_t in_val = input[tb_nhwc_offset(in_h, in_w, in_c, b, y, x, ic)];
                                const int32_t f_val = filter[tb_nhwc_offset(k_h, k_w, out_c, 0, ky, kx, oc)];
                                acc += (int64_t)(f_val * in_val);
                            }
                        }
                        uint64_t total = (uint64_t)acc;
                        if (bias != NULL) {
                            total += (uint64_t)bias[oc]; /* wraps as TFLM's int64 would */
                        }
                        const int32_t scaled = tb_multiply_by_quantized_multiplier_64(
                            (int64_t)total, quant->multiplier[oc], quant->shift[oc]);
                        output[tb_nhwc_offset(out_h, out_w, out_c, b, oy, ox, oc)] =
                            (int16_t)tb_clamp_s32(scaled, params->activation.min, params->activation.max);
                    }
                }
            }
        }
    }
    return TB_OK;
}
