/* int8 CONV_2D, optimized for first layers over 1-3 input channels (any kernel size, stride,
 * dilation, padding; one group). For each pair of output pixels the two receptive fields are
 * copied once into a stack row as int16 (at most
 * TB_CONV2D_LOWCH_MAX_LENGTH elements each), interleaved by element pairs
 * (p0 k0 k1, p1 k0 k1, p0 k2 k3, ...; padding taps hold the input zero point, an odd length ends
 * with a zero), then reused by every pair of output channels: one LDRD of inputs and one of
 * generator-prepared int16 weights (c0 k0 k1, c1 k0 k1, ...) feed four SMLAD (2 pixels x 2
 * channels). Bias folded with the input offset; TFLM's per-channel rescaling. Bit-exact with
 * tb_conv2d_s8. */
#include <stddef.h>

#include "common/tb_dsp_gemm.h"
#include "conv2d/conv2d_dsp_common.h"
#include "conv2d/tb_conv2d.h"

/* Receptive field of the pixel at (y0, x0) as int16 into dst[0], dst[4], dst[1], dst[5], ...:
 * element k goes to dst[(k / 2) * 4 + k % 2] (the pixel's slot of each interleaved pair). */
static void tb_lowch_field(const tb_conv_params_t *params, const int8_t *image, int32_t in_h,
                           int32_t in_w, int32_t in_c, int32_t k_h, int32_t k_w, int32_t y0,
                           int32_t x0, int32_t length2, int16_t *dst)
{
    const int16_t pad = (int16_t)(-params->input_offset);
    int32_t k = 0;
    const int row_inside = params->dilation.w == 1 && x0 >= 0 && x0 + k_w <= in_w;
    const int32_t run = k_w * in_c;
    for (int32_t ky = 0; ky < k_h; ky++) {
        const int32_t y = y0 + ky * params->dilation.h;
        const int y_in = y >= 0 && y < in_h;
        if (y_in && row_inside) { /* one contiguous run of k_w * in_c bytes */
            const int8_t *px = image + ((size_t)y * (size_t)in_w + (size_t)x0) * (size_t)in_c;
            int16_t *d = dst + ((k >> 1) << 2) + (k & 1);
            int32_t i = 0;
            if (k & 1) { /* finish the open pair */
                *d = px[0];
                d += 3;
                i = 1;
            }
            for (; i + 1 < run; i += 2) {
                d[0] = px[i];
                d[1] = px[i + 1];
                d += 4;
            }
            if (i < run) {
                d[0] = px[i];
            }
            k += run;
            continue;
        }
        if (params->dilation.w == 1) { /* clipped row: padding, a run of bytes, padding */
            const int32_t before = !y_in ? run : (x0 < 0 ? (-x0 < k_w ? -x0 : k_w) * in_c : 0);
            int32_t end = !y_in ? run : (in_w - x0) * in_c;
            end = end > run ? run : end;
            end = end < before ? before : end;
            const int8_t *px = image + ((size_t)(y_in ? y : 0) * (size_t)in_w) * (size_t)in_c +
                               (ptrdiff_t)x0 * in_c;
            int16_t *d = dst + ((k >> 1) << 2) + (k & 1);
            int32_t odd = k & 1;
            for (int32_t i = 0; i < run; i++) {
                *d = (i < before || i >= end) ? pad : px[i];
                d += odd ? 3 : 1;
                odd ^= 1;
            }
            k += run;
            continue;
        }
        for (int32_t kx = 0; kx < k_w; kx++) {
            const int32_t x = x0 + kx * params->dilation.w;
            if (y_in && x >= 0 && x < in_w) {
                const int8_t *px = image + ((size_t)y * (size_t)in_w + (size_t)x) * (size_t)in_c;
                for (int32_t c = 0; c < in_c; c++, k++) {
                    dst[((k >> 1) << 2) + (k & 1)] = px[c];
                }
            } else {
                for (int32_t c = 0; c < in_c; c++, k++) {
                    dst[((k >> 1) << 2) + (k & 1)] = pad;
                }
            }
        }
    }
    if (k < length2) {
        dst[((k >> 1) << 2) + (k & 1)] = 0;
    }
}

tb_status_t tb_conv2d_lowch_s8_dsp(const tb_conv_params_t *params,
                                   const tb_dsp_requant_t *rq,
                                   const tb_dims_t *input_dims,
                                   const int8_t *input,
                                   const tb_dims_t *filter_dims,
                                   const int16_t *filter,
                                   const tb_dims_t *output_dims,
                                   int8_t *output)
{
    const tb_status_t status = tb_conv2d_dsp_check_args(params, rq, input_dims, input, filter_dims,
                                                        filter, output_dims, output);
    if (status != TB_OK) {
        return status;
    }
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    if (!tb_dsp_shifts_valid(rq, out_c)) {
        return TB_ERR_ARG;
    }
    const int32_t length = k_h * k_w * in_c;
    const int32_t length2 = (length + 1) & ~1;
    const int32_t pairs = length2 >> 1;
    if (length > TB_CONV2D_LOWCH_MAX_LENGTH) {
        return TB_ERR_NO_IMPL; /* larger fields: tb_conv2d_s8_dsp */
    }
    int16_t scratch[4 * ((TB_CONV2D_LOWCH_MAX_LENGTH + 1) / 2)];
    const int32_t pixels = out_h * out_w;
    const int32_t lo = params->activation.min, hi = params->activation.max;
    const int32_t oo = params->output_offset;

    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + tb_nhwc_offset(in_h, in_w, in_c, b, 0, 0, 0);
        int8_t *out = output + (size_t)b * (size_t)pixels * (size_t)out_c;
        for (int32_t p = 0; p < pixels; p += 2) {
            const int32_t q = p + 1 < pixels ? p + 1 : p; /* odd count: the last pixel twice */
            const int32_t oy0 = p / out_w, ox0 = p % out_w, oy1 = q / out_w, ox1 = q % out_w;
            tb_lowch_field(params, image, in_h, in_w, in_c, k_h, k_w,
                           oy0 * params->stride.h - params->padding.h,
                           ox0 * params->stride.w - params->padding.w, length2, scratch);
            tb_lowch_field(params, image, in_h, in_w, in_c, k_h, k_w,
                           oy1 * params->stride.h - params->padding.h,
                           ox1 * params->stride.w - params->padding.w, length2, scratch + 2);
            int8_t *out0 = out + (size_t)p * (size_t)out_c;
            int8_t *out1 = out + (size_t)q * (size_t)out_c;
            const int16_t *w = filter;
            for (int32_t c = 0; c < out_c; c += 2) {
                int32_t a00 = rq->bias[c], a01 = rq->bias[c + 1];
                int32_t a10 = a00, a11 = a01;
                const int16_t *x = scratch;
                for (int32_t j = 0; j < pairs; j++) {
                    const uint32_t x0 = tb_dsp_w2(x), x1 = tb_dsp_w2(x + 2);
                    const uint32_t w0 = tb_dsp_w2(w), w1 = tb_dsp_w2(w + 2);
                    x += 4;
                    w += 4;
                    a00 = tb_dsp_smlad(x0, w0, a00);
                    a01 = tb_dsp_smlad(x0, w1, a01);
                    a10 = tb_dsp_smlad(x1, w0, a10);
                    a11 = tb_dsp_smlad(x1, w1, a11);
                }
                const int32_t *m = rq->multiplier + c, *sh = rq->shift + c;
                if (rq->fast && c + 1 < out_c) {
                    out0[c] = (int8_t)tb_dsp_requantize_fast(a00, m[0], sh[0], oo, lo, hi);
                    out1[c] = (int8_t)tb_dsp_requantize_fast(a10, m[0], sh[0], oo, lo, hi);
                    out0[c + 1] = (int8_t)tb_dsp_requantize_fast(a01, m[1], sh[1], oo, lo, hi);
                    out1[c + 1] = (int8_t)tb_dsp_requantize_fast(a11, m[1], sh[1], oo, lo, hi);
                    continue;
                }
                out0[c] = (int8_t)tb_dsp_requantize(a00, m[0], sh[0], rq->fast, oo, lo, hi);
                out1[c] = (int8_t)tb_dsp_requantize(a10, m[0], sh[0], rq->fast, oo, lo, hi);
                if (c + 1 < out_c) {
                    out0[c + 1] = (int8_t)tb_dsp_requantize(a01, m[1], sh[1], rq->fast, oo, lo, hi);
                    out1[c + 1] = (int8_t)tb_dsp_requantize(a11, m[1], sh[1], rq->fast, oo, lo, hi);
                }
            }
        }
    }
    return TB_OK;
}
