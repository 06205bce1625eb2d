/* float32 TRANSPOSE_CONV in the summation order of TFLM's reference kernel. */
#include <stddef.h>

#include "transpose_conv/tb_transpose_conv.h"
#include "transpose_conv/transpose_conv_common.h"

tb_status_t tb_transpose_conv_f32(const tb_transpose_conv_f32_params_t *params,
                                  const tb_dims_t *input_dims,
                                  const float *input,
                                  const tb_dims_t *filter_dims,
                                  const float *filter,
                                  const float *bias,
                                  const tb_dims_t *output_dims,
                                  float *output)
{
    if (params == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status =
        tb_transpose_conv_check(&params->stride, &params->padding, input_dims, filter_dims, output_dims);
    if (status != TB_OK) {
        return status;
    }
    if (!(params->activation.min <= params->activation.max)) {
        return TB_ERR_ARG;
    }
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;

    for (int32_t b = 0; b < output_dims->n; b++) {
        for (int32_t oy = 0; oy < out_h; oy++) {
            const tb_tconv_span_t rows = tb_tconv_span(oy, params->padding.h, params->stride.h, k_h, in_h);
            for (int32_t ox = 0; ox < out_w; ox++) {
                const tb_tconv_span_t cols = tb_tconv_span(ox, params->padding.w, params->stride.w, k_w, in_w);
                float *out_px = output + tb_nhwc_offset(out_h, out_w, out_c, b, oy, ox, 0);
                for (int32_t oc = 0; oc < out_c; oc++) {
                    /* TFLM adds each input's product into the zeroed output in input order. */
                    float acc = 0.0f;
                    for (int32_t iy = rows.first; iy <= rows.last; iy++) {
                        const int32_t ky = oy + params->padding.h - iy * params->stride.h;
                        for (int32_t ix = cols.first; ix <= cols.last; ix++) {
                            const int32_t kx = ox + params->padding.w - ix * params->stride.w;
                            const float *in_px = input + tb_nhwc_offset(in_h, in_w, in_c, b, iy, ix, 0);
                            const float *tap = filter + tb_nhwc_offset(k_h, k_w, in_c, oc, ky, kx, 0);
                            for (int32_t ic = 0; ic < in_c; ic++) {
                                acc += in_px[ic] * tap[ic];
                            }
                        }
                    }
                    if (bias != NULL) {
                        acc += bias[oc];
                    }
                    out_px[oc] = tb_clamp_f32(acc, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TB_OK;
}
