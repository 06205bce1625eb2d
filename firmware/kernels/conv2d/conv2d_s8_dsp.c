/* int8 CONV_2D, optimized general case (any kernel size, stride, dilation, padding; one group):
 * either im2col (each output pixel's receptive field copied into an arena scratch row, padding
 * taps filled with the input zero point, then one GEMM row) or direct (each in-bounds tap's
 * channels multiplied in place, padding taps corrected by a precomputed per-tap term).
 * Generator-prepared int16 weights, folded bias, SXTB16 + SMLAD (plain-C fallback off the
 * Cortex-M4). Bit-exact with tb_conv2d_s8. */
#include <stddef.h>
#include <string.h>

#include "common/tb_dsp_gemm.h"
#include "conv2d/conv2d_dsp_common.h"
#include "conv2d/conv2d_im2col_s8.h"
#include "conv2d/tb_conv2d.h"

tb_status_t tb_conv2d_s8_dsp(int8_t *scratch,
                             int32_t scratch_rows,
                             const tb_conv_params_t *params,
                             const tb_conv_dsp_quant_t *quant,
                             const tb_dims_t *input_dims,
                             const int8_t *input,
                             const tb_dims_t *filter_dims,
                             const int16_t *filter,
                             const tb_dims_t *output_dims,
                             int8_t *output)
{
    const tb_status_t status =
        tb_conv2d_dsp_check_args(params, quant == NULL ? NULL : &quant->requant, input_dims, input,
                                 filter_dims, filter, output_dims, output);
    if (status != TB_OK) {
        return status;
    }
    const tb_dsp_requant_t *rq = &quant->requant;
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    if (!tb_requant_shifts_valid(rq, out_c) || (scratch != NULL && scratch_rows < 1)) {
        return TB_ERR_ARG;
    }
    const int32_t taps = k_h * k_w;
    const int32_t field = taps * in_c, field4 = tb_conv2d_s8_dsp_row_bytes(filter_dims);
    const int32_t tap_weights = ((in_c + 3) / 4) * 16; /* int16 per tap per group of 4 */
    const int32_t out_c4 = (out_c + 3) & ~3;
    const int32_t reach_h = (k_h - 1) * params->dilation.h;
    const int32_t reach_w = (k_w - 1) * params->dilation.w;
    /* Without dilation and with whole quads per tap (no per-tap weight padding), a filter row
     * is one contiguous run of k_w * in_c input bytes and of weights. */
    const int row_contiguous = params->dilation.w == 1 && (in_c & 3) == 0;
    const int32_t row_length = k_w * in_c;
    const size_t row_step = (size_t)params->dilation.h * (size_t)in_w * (size_t)in_c;

    int8_t *out = output;
    if (scratch != NULL) {
        /* im2col: receptive fields into scratch rows, one GEMM call per `scratch_rows` pixels
         * (the outputs of consecutive pixels are adjacent, across image rows too). */
        int32_t pending = 0;
        for (int32_t b = 0; b < output_dims->n; b++) {
            const int8_t *image = input + tb_nhwc_offset(in_h, in_w, in_c, b, 0, 0, 0);
            for (int32_t oy = 0; oy < out_h; oy++) {
                for (int32_t ox = 0; ox < out_w; ox++) {
                    int8_t *row = scratch + (size_t)pending * (size_t)field4;
                    tb_conv2d_im2col_row(params, image, in_h, in_w, in_c, k_h, k_w,
                                         oy * params->stride.h - params->padding.h,
                                         ox * params->stride.w - params->padding.w, row);
                    /* Up to a whole quad: the padding weights are zero, any byte will do. */
                    tb_im2col_fill(row + field, 0, (size_t)(field4 - field));
                    if (++pending == scratch_rows) {
                        tb_barrier(); /* the GEMM's asm reads the rows without a memory clobber */
                        tb_dsp_gemm_rows(scratch, field4, pending, (size_t)field4, filter, out_c, rq,
                                         params->output_offset, &params->activation, out);
                        out += (size_t)pending * (size_t)out_c;
                        pending = 0;
                    }
                }
            }
        }
        if (pending > 0) {
            tb_barrier();
            tb_dsp_gemm_rows(scratch, field4, pending, (size_t)field4, filter, out_c, rq,
                             params->output_offset, &params->activation, out);
        }
        return TB_OK;
    }
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + tb_nhwc_offset(in_h, in_w, in_c, b, 0, 0, 0);
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                const int inside =
                    y0 >= 0 && x0 >= 0 && y0 + reach_h < in_h && x0 + reach_w < in_w;
                const int16_t *w = filter;
                for (int32_t c = 0; c < out_c; c += 4) {
                    int32_t acc[4] = {rq->bias[c], rq->bias[c + 1], rq->bias[c + 2],
                                      rq->bias[c + 3]};
                    if (inside && row_contiguous) {
                        /* A filter row's taps are adjacent in the image and in the weights:
                         * one dot product per row instead of one per tap. */
                        const int8_t *px = image + ((size_t)y0 * (size_t)in_w + (size_t)x0) *
                                                       (size_t)in_c;
                        for (int32_t ky = 0; ky < k_h; ky++) {
                            w = tb_dsp_dot4(px, w, row_length, acc);
                            px += row_step;
                        }
                    } else if (inside) {
                        for (int32_t ky = 0; ky < k_h; ky++) {
                            const int8_t *px = image + ((size_t)(y0 + ky * params->dilation.h) *
                                                            (size_t)in_w +
                                                        (size_t)x0) *
                                                           (size_t)in_c;
                            for (int32_t kx = 0; kx < k_w; kx++) {
                                w = tb_dsp_dot4(px, w, in_c, acc);
                                px += (size_t)params->dilation.w * (size_t)in_c;
                            }
                        }
                    } else {
                        for (int32_t ky = 0; ky < k_h; ky++) {
                            const int32_t y = y0 + ky * params->dilation.h;
                            for (int32_t kx = 0; kx < k_w; kx++) {
                                const int32_t x = x0 + kx * params->dilation.w;
                                if (y >= 0 && y < in_h && x >= 0 && x < in_w) {
                                    w = tb_dsp_dot4(image + ((size_t)y * (size_t)in_w +
                                                             (size_t)x) * (size_t)in_c,
                                                    w, in_c, acc);
                                } else {
                                    w += tap_weights;
                                    if (quant->tap_correction != NULL) {
                                        const int32_t *corr =
                                            quant->tap_correction +
                                            (size_t)(ky * k_w + kx) * (size_t)out_c4 + c;
                                        acc[0] += corr[0];
                                        acc[1] += corr[1];
                                        acc[2] += corr[2];
                                        acc[3] += corr[3];
                                    }
                                }
                            }
                        }
                    }
                    const int32_t count = out_c - c < 4 ? out_c - c : 4;
                    tb_dsp_store_group(acc, rq, c, count, params->output_offset,
                                       &params->activation, out + c);
                }
                out += out_c;
            }
        }
    }
    return TB_OK;
}
