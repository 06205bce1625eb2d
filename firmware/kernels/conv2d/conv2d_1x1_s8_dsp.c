/* int8 CONV_2D with a 1x1 filter and no padding, optimized as a GEMM: each output pixel is one
 * row (the input pixel's channels) times generator-prepared int16 weights, folded bias, SXTB16 +
 * SMLAD (plain-C fallback off the Cortex-M4). Any stride. Bit-exact with tb_conv2d_s8. */
#include <stddef.h>

#include "common/tb_dsp_gemm.h"
#include "conv2d/conv2d_common.h"
#include "conv2d/tb_conv2d.h"

tb_status_t tb_conv2d_1x1_s8_dsp(const tb_conv_params_t *params,
                                 const tb_dsp_requant_t *quant,
                                 const tb_dims_t *input_dims,
                                 const int8_t *input,
                                 const tb_dims_t *filter_dims,
                                 const int16_t *filter,
                                 const tb_dims_t *output_dims,
                                 int8_t *output)
{
    if (params == NULL || quant == NULL || quant->bias == NULL || quant->multiplier == NULL ||
        quant->shift == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (filter_dims->h != 1 || filter_dims->w != 1 || params->padding.h != 0 ||
        params->padding.w != 0 || filter_dims->c != input_dims->c) {
        return TB_ERR_NO_IMPL; /* not a plain 1x1: use tb_conv2d_s8_dsp */
    }
    const tb_status_t status =
        tb_conv2d_check_shapes(&params->stride, &params->padding, &params->dilation, input_dims,
                               filter_dims, NULL, 0, output_dims);
    if (status != TB_OK || params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    if ((out_h - 1) * params->stride.h >= in_h || (out_w - 1) * params->stride.w >= in_w ||
        !tb_dsp_shifts_valid(quant, out_c)) {
        return TB_ERR_ARG;
    }
    int8_t *out = output;
    const size_t x_step = (size_t)params->stride.w * (size_t)in_c;
    for (int32_t b = 0; b < output_dims->n; b++) {
        if (params->stride.h == 1 && params->stride.w == 1) { /* the whole image is one run of rows */
            const int8_t *image = input + tb_nhwc_offset(in_h, in_w, in_c, b, 0, 0, 0);
            tb_dsp_gemm_rows(image, in_c, out_h * out_w, x_step, filter, out_c, quant,
                             params->output_offset, &params->activation, out);
            out += (size_t)out_h * (size_t)out_w * (size_t)out_c;
            continue;
        }
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int8_t *row =
                input + tb_nhwc_offset(in_h, in_w, in_c, b, oy * params->stride.h, 0, 0);
            tb_dsp_gemm_rows(row, in_c, out_w, x_step, filter, out_c, quant, params->output_offset,
                             &params->activation, out);
            out += (size_t)out_w * (size_t)out_c;
        }
    }
    return TB_OK;
}
