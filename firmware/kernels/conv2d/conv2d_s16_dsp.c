/* Optimized 16x8 CONV_2D: SMLAD on channel pairs, four output channels per pass. */
#include <stddef.h>

#include "common/tb_isa.h"
#include "common/tb_requant.h"
#include "common/tb_requant64.h"
#include "conv2d/conv2d_common.h"
#include "conv2d/tb_conv2d.h"

#define TB_CONV_S16_DSP_MAX_DEPTH 510 /* 510 x 128 x 32768 < 2^31: a tap's 32-bit sum is exact */

/* The range [*first, *last) of kernel indices whose input row/column lies inside 0..size-1. */
static void tb_inside(int32_t origin, int32_t dilation, int32_t kernel, int32_t size, int32_t *first, int32_t *last)
{
    int32_t k = 0;
    while (k < kernel && origin + k * dilation < 0) {
        k++;
    }
    *first = k;
    int32_t end = kernel;
    while (end > k && origin + (end - 1) * dilation >= size) {
        end--;
    }
    *last = end;
}

/* Four channels' sums over one tap's input pixel of `depth` channels, added to `sum` (wrapping). */
TB_ALWAYS_INLINE void tb_tap4(const int16_t *in, const int16_t *w, int32_t depth, int32_t sum[4])
{
    int32_t a0 = sum[0], a1 = sum[1], a2 = sum[2], a3 = sum[3];
    int32_t pairs = depth >> 1;
    while (pairs-- > 0) {
        const uint32_t v = tb_read_u32(in);
        uint32_t w0, w1, w2, w3;
        tb_read_w2(w, &w0, &w1);
        tb_read_w2(w + 4, &w2, &w3);
        a0 = tb_smlad(v, w0, a0);
        a1 = tb_smlad(v, w1, a1);
        a2 = tb_smlad(v, w2, a2);
        a3 = tb_smlad(v, w3, a3);
        in += 2;
        w += 8;
    }
    if (depth & 1) {
        const int32_t v = in[0];
        a0 += v * w[0];
        a1 += v * w[1];
        a2 += v * w[2];
        a3 += v * w[3];
    }
    sum[0] = a0;
    sum[1] = a1;
    sum[2] = a2;
    sum[3] = a3;
}

/* The same for two output pixels whose taps read `in` and `in + stride` (adjacent outputs of one
 * row, both with every tap of this (ky, kx) inside): each weight word is loaded once for both. */
TB_ALWAYS_INLINE void tb_tap4x2(const int16_t *in, int32_t stride, const int16_t *w, int32_t depth, int32_t s0[4],
                                int32_t s1[4])
{
    int32_t a0 = s0[0], a1 = s0[1], a2 = s0[2], a3 = s0[3], b0 = s1[0], b1 = s1[1], b2 = s1[2], b3 = s1[3];
    const int16_t *end = in + (depth & ~1);
    while (in < end) {
        const uint32_t u = tb_read_u32(in);
        const uint32_t v = tb_read_u32(in + stride);
        uint32_t wj;
        __builtin_memcpy(&wj, w, sizeof wj);
        a0 = tb_smlad(u, wj, a0);
        b0 = tb_smlad(v, wj, b0);
        __builtin_memcpy(&wj, w + 2, sizeof wj);
        a1 = tb_smlad(u, wj, a1);
        b1 = tb_smlad(v, wj, b1);
        __builtin_memcpy(&wj, w + 4, sizeof wj);
        a2 = tb_smlad(u, wj, a2);
        b2 = tb_smlad(v, wj, b2);
        __builtin_memcpy(&wj, w + 6, sizeof wj);
        a3 = tb_smlad(u, wj, a3);
        b3 = tb_smlad(v, wj, b3);
        in += 2;
        w += 8;
    }
    if (depth & 1) {
        const int32_t u = in[0], v = in[stride];
        a0 += u * w[0];
        a1 += u * w[1];
        a2 += u * w[2];
        a3 += u * w[3];
        b0 += v * w[0];
        b1 += v * w[1];
        b2 += v * w[2];
        b3 += v * w[3];
    }
    s0[0] = a0;
    s0[1] = a1;
    s0[2] = a2;
    s0[3] = a3;
    s1[0] = b0;
    s1[1] = b1;
    s1[2] = b2;
    s1[3] = b3;
}

/* Four channels' outputs of one pixel from their 64-bit sums: bias, TFLM's rescaling, clamp. */
static void tb_store4(const tb_conv_s16_dsp_params_t *params, const tb_per_channel_quant_t *quant,
                      const int64_t *bias, const int64_t acc[4], int32_t c0, int32_t n, int16_t *out_px)
{
    for (int32_t j = 0; j < n; j++) {
        const int32_t c = c0 + j;
        /* Wrapping adds, as TFLM's accumulators (int64, or int32: the low bits). */
        const uint64_t total = (uint64_t)acc[j] + (bias != NULL ? (uint64_t)bias[c] : 0u);
        const int32_t low = (int32_t)(uint32_t)total;
        int32_t scaled;
        if (params->acc32) {
            scaled = tb_multiply_by_quantized_multiplier(low, quant->multiplier[c], quant->shift[c]);
        } else if ((int64_t)total == (int64_t)low) { /* fits 32 bits: the short form */
            scaled = tb_multiply_by_quantized_multiplier_64_s32(low, quant->multiplier[c], quant->shift[c]);
        } else {
            scaled = tb_multiply_by_quantized_multiplier_64((int64_t)total, quant->multiplier[c], quant->shift[c]);
        }
        out_px[c] = (int16_t)tb_clamp_s32(scaled, params->activation.min, params->activation.max);
    }
}

tb_status_t tb_conv2d_s16_dsp(const tb_conv_s16_dsp_params_t *params,
                              const tb_per_channel_quant_t *quant,
                              const int64_t *bias,
                              const tb_dims_t *input_dims,
                              const int16_t *input,
                              const tb_dims_t *filter_dims,
                              const int16_t *filter,
                              const tb_dims_t *output_dims,
                              int16_t *output)
{
    if (params == NULL || quant == NULL || quant->multiplier == NULL || quant->shift == NULL ||
        input_dims == NULL || input == NULL || filter_dims == NULL || filter == NULL ||
        output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status = tb_conv2d_check_shapes(&params->stride, &params->padding, &params->dilation,
                                                      input_dims, filter_dims, NULL, 0, output_dims);
    if (status != TB_OK) {
        return status;
    }
    if (params->activation.min > params->activation.max || params->activation.min < INT16_MIN ||
        params->activation.max > INT16_MAX) {
        return TB_ERR_ARG;
    }
    if (params->acc32 ? !tb_shifts_in_range(quant->shift, output_dims->c)
                      : !tb_shifts64_in_range(quant->shift, output_dims->c)) {
        return TB_ERR_ARG;
    }
    if (filter_dims->c != input_dims->c || filter_dims->c > TB_CONV_S16_DSP_MAX_DEPTH) {
        return TB_ERR_NO_IMPL;
    }

    const int32_t in_h = input_dims->h, in_w = input_dims->w, depth = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t tap_len = tb_conv2d_s16_dsp_tap_len(depth);
    const int32_t group_len = tap_len * k_h * k_w;

    for (int32_t b = 0; b < output_dims->n; b++) {
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            int32_t ky0, ky1;
            tb_inside(y0, params->dilation.h, k_h, in_h, &ky0, &ky1);
            for (int32_t ox = 0; ox < out_w;) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                int32_t kx0, kx1;
                tb_inside(x0, params->dilation.w, k_w, in_w, &kx0, &kx1);
                int16_t *out_px = output + tb_nhwc_offset(out_h, out_w, out_c, b, oy, ox, 0);
                /* Two pixels at once when the next one reads the same taps (the interior). */
                int32_t pair = 0;
                if (ox + 1 < out_w) {
                    int32_t nx0, nx1;
                    tb_inside(x0 + params->stride.w, params->dilation.w, k_w, in_w, &nx0, &nx1);
                    pair = nx0 == kx0 && nx1 == kx1;
                }
                const int32_t stride = params->stride.w * depth;
                const int16_t *w_group = filter;
                for (int32_t c0 = 0; c0 < out_c; c0 += 4, w_group += group_len) {
                    int64_t acc[4] = {0, 0, 0, 0};
                    int64_t acc1[4] = {0, 0, 0, 0};
                    int32_t sum[4] = {0, 0, 0, 0}, sum1[4] = {0, 0, 0, 0};
                    for (int32_t ky = ky0; ky < ky1; ky++) {
                        const int32_t y = y0 + ky * params->dilation.h;
                        for (int32_t kx = kx0; kx < kx1; kx++) {
                            const int32_t x = x0 + kx * params->dilation.w;
                            const int16_t *in_px = input + tb_nhwc_offset(in_h, in_w, depth, b, y, x, 0);
                            const int16_t *w_tap = w_group + (ky * k_w + kx) * tap_len;
                            if (pair) {
                                tb_tap4x2(in_px, stride, w_tap, depth, sum, sum1);
                            } else {
                                tb_tap4(in_px, w_tap, depth, sum);
                            }
                            if (!params->narrow) { /* a tap's sum is exact in 32 bits: add it into 64 */
                                for (int32_t j = 0; j < 4; j++) {
                                    acc[j] += sum[j];
                                    acc1[j] += sum1[j];
                                    sum[j] = 0;
                                    sum1[j] = 0;
                                }
                            }
                        }
                    }
                    for (int32_t j = 0; j < 4; j++) { /* narrow: the whole sum; else 0 */
                        acc[j] += sum[j];
                        acc1[j] += sum1[j];
                    }
                    const int32_t n = out_c - c0 < 4 ? out_c - c0 : 4;
                    tb_store4(params, quant, bias, acc, c0, n, out_px);
                    if (pair) {
                        tb_store4(params, quant, bias, acc1, c0, n, out_px + out_c);
                    }
                }
                ox += pair ? 2 : 1;
            }
        }
    }
    return TB_OK;
}
