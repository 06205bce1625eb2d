/* Optimized int8 DEPTHWISE_CONV_2D with at most 3 output channels (input channels x depth
 * multiplier <= 3): any filter, stride, dilation and padding.
 *
 * With so few channels the per-pixel work of the general kernel (a tap table per border pixel,
 * groups of 4 channels mostly idle) outweighs the MACs. Here every output row gets the range of
 * filter rows inside the input once, and every output pixel the range of filter columns (the
 * same for the whole interior run of the row), so each pixel reads only its taps inside the
 * input, straight from the image, with no table and no per-tap bounds check. The input offset
 * never enters the loop: the generator folds offset x the filter's sum over any rectangle of
 * taps into a 2-D prefix table, so a pixel's bias is the raw bias plus four table words.
 * Interior runs compute two adjacent output pixels per pass over the taps (one weight load for
 * both). Bit-exact with tb_depthwise_conv2d_s8 (see tb_depthwise_conv2d_dsp.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "depthwise_conv2d/depthwise_conv2d_dsp_common.h"

typedef struct {
    const tb_depthwise_conv_dsp_params_t *params;
    const int32_t *requant;   /* per output channel TB_RQ_WORDS words (raw bias x2 used) */
    const int32_t *prefix;    /* [(kh + 1) x (kw + 1)][channels]: 2 x offset x filter sum above-left */
    const int16_t *filter;    /* [tap][CW] doubled, CW = 1, 2, 4 for 1, 2, 3 channels */
    int32_t in_h, in_w;
} tb_dwf_job_t;

/* Filter words per tap for `c` output channels. */
#define TB_DWF_CW(c) ((c) == 3 ? 4 : (c))

/* One output pixel's taps: rows x cols of them starting at p (input) and w (filter), filter rows
 * k_w taps apart; acc[c] (doubled, bias included) += w x input for each of the C channels. */
TB_ALWAYS_INLINE void tb_dwf_taps1(const int8_t *p, const int16_t *w, int32_t rows, int32_t cols, size_t row_step,
                                   size_t col_step, int32_t w_row, int32_t *acc, const int IC, const int M)
{
    const int32_t C = IC * M, CW = TB_DWF_CW(IC * M);
    for (int32_t r = 0; r < rows; r++) {
        const int8_t *q = p;
        const int16_t *wt = w;
        for (int32_t k = 0; k < cols; k++) {
            for (int32_t c = 0; c < C; c++) {
                acc[c] += (int32_t)wt[c] * (int32_t)q[IC > 1 ? c : 0];
            }
            q += col_step;
            wt += CW;
        }
        p += row_step;
        w += w_row * CW;
    }
}

/* Two output pixels `step` input bytes apart, every filter column (taps contiguous in w). */
TB_ALWAYS_INLINE void tb_dwf_taps2(const int8_t *p, const int16_t *w, int32_t rows, int32_t cols, size_t row_step,
                                   size_t col_step, size_t step, int32_t *a, int32_t *b, const int IC,
                                   const int M)
{
    const int32_t C = IC * M, CW = TB_DWF_CW(IC * M);
    const ptrdiff_t row_skip = (ptrdiff_t)row_step - (ptrdiff_t)cols * (ptrdiff_t)col_step;
    for (int32_t r = 0; r < rows; r++) {
        for (int32_t k = 0; k < cols; k++) {
            for (int32_t c = 0; c < C; c++) {
                const int32_t wc = w[c];
                a[c] += wc * (int32_t)p[IC > 1 ? c : 0];
                b[c] += wc * (int32_t)p[step + (size_t)(IC > 1 ? c : 0)];
            }
            p += col_step;
            w += CW;
        }
        p += row_skip;
    }
}

TB_ALWAYS_INLINE void tb_dwf_store(const tb_dwf_job_t *job, const int32_t *acc, int8_t *out, const int C)
{
    const tb_depthwise_conv_dsp_params_t *params = job->params;
    for (int32_t c = 0; c < C; c++) {
        out[c] = (int8_t)tb_dw_finish(acc[c], job->requant + (size_t)c * TB_RQ_WORDS, params);
    }
}

/* Filter indices k in [*k0, *k1) whose input coordinate start + k x step lies in [0, size). */
static inline void tb_dwf_axis(int32_t start, int32_t step, int32_t k_n, int32_t size, int32_t *k0, int32_t *k1)
{
    int32_t first = start >= 0 ? 0 : (-start + step - 1) / step;
    int32_t end = k_n;
    if (start + (k_n - 1) * step >= size) {
        end = size - start <= 0 ? 0 : (size - start + step - 1) / step;
    }
    first = first > k_n ? k_n : first;
    *k0 = first;
    *k1 = end > first ? end : first;
}

/* The whole layer for IC input channels and depth multiplier M (constants after inlining). */
TB_ALWAYS_INLINE void tb_dwf_layer(const tb_dwf_job_t *job, const int8_t *image, int8_t *out, int32_t out_h,
                                   int32_t out_w, const int IC, const int M)
{
    const int32_t C = IC * M, CW = TB_DWF_CW(IC * M);
    const tb_depthwise_conv_dsp_params_t *params = job->params;
    const int32_t in_h = job->in_h, in_w = job->in_w;
    const int32_t k_h = params->filter.h, k_w = params->filter.w;
    const int32_t sh = params->stride.h, sw = params->stride.w;
    const int32_t dh = params->dilation.h, dw = params->dilation.w;
    const int32_t ph = params->padding.h, pw = params->padding.w;
    const int32_t span_w = (k_w - 1) * dw;
    const size_t row_bytes = (size_t)in_w * (size_t)IC;
    const size_t row_step = (size_t)dh * row_bytes, col_step = (size_t)dw * (size_t)IC;
    const size_t pixel_step = (size_t)sw * (size_t)IC;
    const int32_t pw1 = k_w + 1; /* prefix row length */
    /* Interior columns [left, right): every filter column inside the input. */
    const int32_t left0 = (pw + sw - 1) / sw;
    const int32_t left = left0 < out_w ? left0 : out_w;
    int32_t right = in_w - 1 - span_w + pw < 0 ? 0 : (in_w - 1 - span_w + pw) / sw + 1;
    right = right > out_w ? out_w : right;
    right = right < left ? left : right;
    int32_t raw[3];
    for (int32_t c = 0; c < C; c++) {
        raw[c] = job->requant[(size_t)c * TB_RQ_WORDS + TB_RQ_RAW_BIAS];
    }
    for (int32_t oy = 0; oy < out_h; oy++) {
        const int32_t y0 = oy * sh - ph;
        int32_t ky0, ky1;
        tb_dwf_axis(y0, dh, k_h, in_h, &ky0, &ky1);
        const int32_t rows = ky1 - ky0;
        const int32_t *p0 = job->prefix + (size_t)ky0 * (size_t)pw1 * (size_t)C;
        const int32_t *p1 = job->prefix + (size_t)ky1 * (size_t)pw1 * (size_t)C;
        /* The row's first tap row (only read when rows > 0) and its filter row. */
        const size_t row_first = rows > 0 ? (size_t)(y0 + ky0 * dh) * row_bytes : 0;
        const int16_t *w_first = job->filter + (size_t)ky0 * (size_t)k_w * (size_t)CW;
        int32_t full[3]; /* the bias of pixels with every filter column inside */
        for (int32_t c = 0; c < C; c++) {
            full[c] = (int32_t)((uint32_t)raw[c] + (uint32_t)p1[(size_t)k_w * (size_t)C + (size_t)c] -
                                (uint32_t)p0[(size_t)k_w * (size_t)C + (size_t)c]);
        }
        int32_t ox = 0;
        for (int pass = 0; pass < 2; pass++) {
            /* pass 0: the left border columns; pass 1: the right ones (after the interior run). */
            const int32_t end = pass == 0 ? left : out_w;
            for (; ox < end; ox++, out += C) {
                const int32_t x0 = ox * sw - pw;
                int32_t kx0, kx1;
                tb_dwf_axis(x0, dw, k_w, in_w, &kx0, &kx1);
                int32_t acc[3];
                for (int32_t c = 0; c < C; c++) {
                    acc[c] = (int32_t)((uint32_t)raw[c] + (uint32_t)p1[(size_t)kx1 * (size_t)C + (size_t)c] -
                                       (uint32_t)p0[(size_t)kx1 * (size_t)C + (size_t)c] -
                                       (uint32_t)p1[(size_t)kx0 * (size_t)C + (size_t)c] +
                                       (uint32_t)p0[(size_t)kx0 * (size_t)C + (size_t)c]);
                }
                if (rows > 0 && kx1 > kx0) {
                    const int8_t *p = image + row_first + (size_t)(x0 + kx0 * dw) * (size_t)IC;
                    tb_dwf_taps1(p, w_first + (size_t)kx0 * (size_t)CW, rows, kx1 - kx0, row_step, col_step, k_w,
                                 acc, IC, M);
                }
                tb_dwf_store(job, acc, out, C);
            }
            if (pass == 1) {
                break;
            }
            if (ox >= right) {
                continue;
            }
            /* The interior run: two pixels per pass over the taps, then the odd one. */
            const int8_t *p = image + row_first + (size_t)(ox * sw - pw) * (size_t)IC;
            for (; ox + 2 <= right; ox += 2, out += 2 * C, p += 2 * pixel_step) {
                int32_t a[3], b[3];
                for (int32_t c = 0; c < C; c++) {
                    a[c] = full[c];
                    b[c] = full[c];
                }
                tb_dwf_taps2(p, w_first, rows, k_w, row_step, col_step, pixel_step, a, b, IC, M);
                tb_dwf_store(job, a, out, C);
                tb_dwf_store(job, b, out + C, C);
            }
            if (ox < right) {
                int32_t a[3];
                for (int32_t c = 0; c < C; c++) {
                    a[c] = full[c];
                }
                tb_dwf_taps1(p, w_first, rows, k_w, row_step, col_step, k_w, a, IC, M);
                tb_dwf_store(job, a, out, C);
                ox++;
                out += C;
            }
        }
    }
}

#define TB_DWF_VARIANT(name, IC, M)                                                                      \
    __attribute__((noinline)) static void name(const tb_dwf_job_t *job, const int8_t *image, int8_t *out, \
                                               int32_t out_h, int32_t out_w)                            \
    {                                                                                                    \
        tb_dwf_layer(job, image, out, out_h, out_w, IC, M);                                              \
    }

TB_DWF_VARIANT(tb_dwf_1x1, 1, 1)
TB_DWF_VARIANT(tb_dwf_1x2, 1, 2)
TB_DWF_VARIANT(tb_dwf_1x3, 1, 3)
TB_DWF_VARIANT(tb_dwf_2x1, 2, 1)
TB_DWF_VARIANT(tb_dwf_3x1, 3, 1)

tb_status_t tb_depthwise_conv2d_few_s8_dsp(const tb_depthwise_conv_dsp_params_t *params,
                                           const int32_t *requant,
                                           const int32_t *prefix,
                                           const tb_dims_t *input_dims,
                                           const int8_t *input,
                                           const int16_t *filter,
                                           const tb_dims_t *output_dims,
                                           int8_t *output)
{
    const tb_status_t status = tb_dw_dsp_check(params, requant, input_dims, input, filter, output_dims, output);
    if (status != TB_OK) {
        return status;
    }
    if (prefix == NULL) {
        return TB_ERR_ARG;
    }
    const int32_t in_c = input_dims->c, mult = params->depth_multiplier;
    void (*run)(const tb_dwf_job_t *, const int8_t *, int8_t *, int32_t, int32_t);
    if (in_c == 1) {
        run = mult == 1 ? tb_dwf_1x1 : mult == 2 ? tb_dwf_1x2 : mult == 3 ? tb_dwf_1x3 : NULL;
    } else {
        run = mult != 1 ? NULL : in_c == 2 ? tb_dwf_2x1 : in_c == 3 ? tb_dwf_3x1 : NULL;
    }
    if (run == NULL) {
        return TB_ERR_NO_IMPL;
    }
    const tb_dwf_job_t job = {params, requant, prefix, filter, input_dims->h, input_dims->w};
    const size_t image_bytes = (size_t)input_dims->h * (size_t)input_dims->w * (size_t)in_c;
    const size_t out_bytes = (size_t)output_dims->h * (size_t)output_dims->w * (size_t)output_dims->c;
    for (int32_t b = 0; b < input_dims->n; b++) {
        run(&job, input + (size_t)b * image_bytes, output + (size_t)b * out_bytes, output_dims->h, output_dims->w);
    }
    return TB_OK;
}
