/* int8 CONV_2D whose receptive fields are contiguous runs of the input, optimized as a GEMM with
 * no copy: no padding, no dilation, and the filter either as wide as the input (each output row is
 * one pixel whose field is k_h whole input rows) or one row high (each pixel's field is k_w
 * adjacent pixels; 1x1 filters, the pointwise layers of MobileNets, are the common case).
 * One-dimensional signals (accelerometer windows, audio frames laid out as
 * [time, 1, features] or [1, time, features]) take this form. Generator-prepared int16 weights
 * as one reduction run of k_h * k_w * depth, folded bias. Bit-exact with tb_conv2d_s8. */
#include <stddef.h>

#include "common/tb_dsp_gemm.h"
#include "conv2d/conv2d_dsp_common.h"
#include "conv2d/tb_conv2d.h"

tb_status_t tb_conv2d_rows_s8_dsp(const tb_conv_params_t *params,
                                  const tb_dsp_requant_t *quant,
                                  const tb_dims_t *input_dims,
                                  const int8_t *input,
                                  const tb_dims_t *filter_dims,
                                  const int16_t *filter,
                                  const tb_dims_t *output_dims,
                                  int8_t *output)
{
    const tb_status_t status = tb_conv2d_dsp_check_args(params, quant, input_dims, input,
                                                        filter_dims, filter, output_dims, output);
    if (status != TB_OK) {
        return status;
    }
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int full_width = k_w == in_w && out_w == 1;
    const int inside = (out_h - 1) * params->stride.h + k_h <= in_h &&
                       (out_w - 1) * params->stride.w + k_w <= in_w;
    const int undilated = (params->dilation.h == 1 || k_h == 1) && (params->dilation.w == 1 || k_w == 1);
    if (params->padding.h != 0 || params->padding.w != 0 || !undilated || !inside ||
        !(full_width || k_h == 1)) {
        return TB_ERR_NO_IMPL; /* fields not contiguous: tb_conv2d_s8_dsp */
    }
    if (!tb_requant_shifts_valid(quant, out_c)) {
        return TB_ERR_ARG;
    }
    const int32_t length = k_h * k_w * in_c;
    const size_t pixel = (size_t)in_c, image_row = (size_t)in_w * pixel;
    int8_t *out = output;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + tb_nhwc_offset(in_h, in_w, in_c, b, 0, 0, 0);
        const size_t row_step = (size_t)params->stride.h * image_row;
        const size_t pixel_step = (size_t)params->stride.w * pixel;
        if (full_width || row_step == (size_t)out_w * pixel_step) {
            /* Every field the same step after the one before, across output rows too (one pixel
             * per output row, or a 1x1 / one-row filter at stride 1 spanning the width). */
            tb_dsp_gemm_rows(image, length, out_h * out_w, full_width ? row_step : pixel_step,
                             filter, out_c, quant, params->output_offset, &params->activation, out);
            out += (size_t)out_h * (size_t)out_w * (size_t)out_c;
            continue;
        }
        for (int32_t oy = 0; oy < out_h; oy++) {
            tb_dsp_gemm_rows(image + (size_t)oy * row_step, length, out_w, pixel_step, filter,
                             out_c, quant, params->output_offset, &params->activation, out);
            out += (size_t)out_w * (size_t)out_c;
        }
    }
    return TB_OK;
}
