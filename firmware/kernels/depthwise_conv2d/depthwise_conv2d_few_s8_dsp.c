/* Optimized int8 DEPTHWISE_CONV_2D with few output channels (the generator's choice: one or two
 * input channels, input channels x depth multiplier <= 3): any filter, stride, dilation, padding.
 *
 * With so few channels the general kernel's per-pixel work (a tap table per border pixel, groups
 * of 4 channels mostly idle) outweighs the MACs. Here each output channel is one pass over the
 * output, a single-channel convolution whose pixels are `pitch` input bytes apart:
 *  - per output row, the range of filter rows inside the input (once), per border pixel the range
 *    of filter columns; a pixel reads only its taps inside, straight from the image;
 *  - the input offset never enters a loop: the generator folds offset x the filter's sum over any
 *    rectangle of taps into a 2-D prefix table, so a pixel's bias is the raw bias + four words;
 *  - the run of pixels with every filter column inside (all of a row but its ends, border rows
 *    included) reads its taps through one table of offsets, four pixels per pass when they are
 *    1 or 2 bytes apart (one word load serves several pixels, SXTB16 splits it), else two;
 *  - the border columns of the rows with every filter row inside run the same way, as vertical
 *    runs with a table of the column's taps inside; only the pixels of border rows and columns
 *    loop over their rectangle of taps one by one.
 * Bit-exact with tb_depthwise_conv2d_s8 (see tb_depthwise_conv2d_dsp.h).
 */
#include <stddef.h>
#include <stdint.h>

#include "depthwise_conv2d/depthwise_conv2d_dsp_common.h"

/* Filters up to this many taps run their interior runs through the offset table. */
#define TB_DWF_MAX_TAPS 64
/* Border columns run as vertical runs over at least this many rows (fewer: pixel by pixel). */
#define TB_DWF_MIN_COLUMN_RUN 4

/* One output channel's pass. */
typedef struct {
    const tb_depthwise_conv_dsp_params_t *params;
    const int32_t *rq;       /* the channel's TB_RQ_* row (raw bias x2 used) */
    const int32_t *prefix;   /* the channel's [kh + 1][kw + 1] */
    const int16_t *w;        /* the channel's taps, doubled, [kh][kw] */
    const intptr_t *offs;    /* interior tap offsets from the window's first tap, NULL: nested loops */
    int32_t in_h, in_w;
    int32_t pitch;           /* input bytes from one pixel to the next (input channels) */
    int32_t out_pitch;       /* output bytes from one pixel to the next (output channels) */
} tb_dwf_pass_t;

/* Taps rows x cols from p (input) and w (filter), filter rows k_w taps apart, nested loops. */
TB_ALWAYS_INLINE int32_t tb_dwf_nested(const int8_t *p, const int16_t *w, int32_t rows, int32_t cols,
                                       ptrdiff_t row_step, ptrdiff_t col_step, int32_t k_w, int32_t acc)
{
    for (int32_t r = 0; r < rows; r++) {
        const int8_t *q = p;
        for (int32_t k = 0; k < cols; k++) {
            acc = tb_smlabb((uint32_t)(int32_t)w[k], (uint32_t)(int32_t)*q, acc);
            q += col_step;
        }
        p += row_step;
        w += k_w;
    }
    return acc;
}

/* Taps [0, n) of a run's table: four pixels at p, p + 1, p + 2, p + 3 (one word per tap). */
TB_ALWAYS_INLINE void tb_dwf_quad1(const int8_t *p, const intptr_t *o, const int16_t *w, int32_t n, int32_t *acc)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t t = 0;
    for (; t + 2 <= n; t += 2) {
        const uint32_t x = tb_read_u32(p + o[t]), y = tb_read_u32(p + o[t + 1]);
        const uint32_t w01 = tb_read_u32(w + t);
        const uint32_t x02 = tb_sxtb16(x), x13 = tb_sxtb16_ror8(x);
        const uint32_t y02 = tb_sxtb16(y), y13 = tb_sxtb16_ror8(y);
        a0 = tb_smlabb(x02, w01, a0);
        a1 = tb_smlabb(x13, w01, a1);
        a2 = tb_smlatb(x02, w01, a2);
        a3 = tb_smlatb(x13, w01, a3);
        a0 = tb_smlabt(y02, w01, a0);
        a1 = tb_smlabt(y13, w01, a1);
        a2 = tb_smlatt(y02, w01, a2);
        a3 = tb_smlatt(y13, w01, a3);
    }
    if (t < n) {
        const uint32_t x = tb_read_u32(p + o[t]);
        const uint32_t w0 = (uint32_t)(int32_t)w[t];
        const uint32_t x02 = tb_sxtb16(x), x13 = tb_sxtb16_ror8(x);
        a0 = tb_smlabb(x02, w0, a0);
        a1 = tb_smlabb(x13, w0, a1);
        a2 = tb_smlatb(x02, w0, a2);
        a3 = tb_smlatb(x13, w0, a3);
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

/* The same for pixels 2 bytes apart: bytes 0 and 2 of the word at p are pixels 0 and 1, bytes 1
 * and 3 of the word at p + 3 pixels 2 and 3 (never a byte past pixel 3). */
TB_ALWAYS_INLINE void tb_dwf_quad2(const int8_t *p, const intptr_t *o, const int16_t *w, int32_t n, int32_t *acc)
{
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t t = 0;
    for (; t + 2 <= n; t += 2) {
        const int8_t *q = p + o[t], *r = p + o[t + 1];
        const uint32_t x01 = tb_sxtb16(tb_read_u32(q)), x23 = tb_sxtb16_ror8(tb_read_u32(q + 3));
        const uint32_t y01 = tb_sxtb16(tb_read_u32(r)), y23 = tb_sxtb16_ror8(tb_read_u32(r + 3));
        const uint32_t w01 = tb_read_u32(w + t);
        a0 = tb_smlabb(x01, w01, a0);
        a1 = tb_smlatb(x01, w01, a1);
        a2 = tb_smlabb(x23, w01, a2);
        a3 = tb_smlatb(x23, w01, a3);
        a0 = tb_smlabt(y01, w01, a0);
        a1 = tb_smlatt(y01, w01, a1);
        a2 = tb_smlabt(y23, w01, a2);
        a3 = tb_smlatt(y23, w01, a3);
    }
    if (t < n) {
        const int8_t *q = p + o[t];
        const uint32_t x01 = tb_sxtb16(tb_read_u32(q)), x23 = tb_sxtb16_ror8(tb_read_u32(q + 3));
        const uint32_t w0 = (uint32_t)(int32_t)w[t];
        a0 = tb_smlabb(x01, w0, a0);
        a1 = tb_smlatb(x01, w0, a1);
        a2 = tb_smlabb(x23, w0, a2);
        a3 = tb_smlatb(x23, w0, a3);
    }
    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
}

/* Two pixels at p and p + step, a byte per tap each. */
TB_ALWAYS_INLINE void tb_dwf_pair(const int8_t *p, ptrdiff_t step, const intptr_t *o, const int16_t *w, int32_t n,
                                  int32_t *acc)
{
    const int8_t *q = p + step;
    int32_t a0 = acc[0], a1 = acc[1];
    int32_t t = 0;
    for (; t + 2 <= n; t += 2) {
        const intptr_t o0 = o[t], o1 = o[t + 1];
        const uint32_t w01 = tb_read_u32(w + t);
        const uint32_t xa = (uint32_t)(int32_t)p[o0], xb = (uint32_t)(int32_t)q[o0];
        const uint32_t ya = (uint32_t)(int32_t)p[o1], yb = (uint32_t)(int32_t)q[o1];
        a0 = tb_smlabb(xa, w01, a0);
        a1 = tb_smlabb(xb, w01, a1);
        a0 = tb_smlabt(ya, w01, a0);
        a1 = tb_smlabt(yb, w01, a1);
    }
    if (t < n) {
        const uint32_t w0 = (uint32_t)(int32_t)w[t];
        a0 = tb_smlabb((uint32_t)(int32_t)p[o[t]], w0, a0);
        a1 = tb_smlabb((uint32_t)(int32_t)q[o[t]], w0, a1);
    }
    acc[0] = a0, acc[1] = a1;
}

/* One pixel through the table. */
TB_ALWAYS_INLINE int32_t tb_dwf_one(const int8_t *p, const intptr_t *o, const int16_t *w, int32_t n, int32_t acc)
{
    int32_t t = 0;
    for (; t + 2 <= n; t += 2) {
        const uint32_t w01 = tb_read_u32(w + t);
        acc = tb_smlabb((uint32_t)(int32_t)p[o[t]], w01, acc);
        acc = tb_smlabt((uint32_t)(int32_t)p[o[t + 1]], w01, acc);
    }
    if (t < n) {
        acc = tb_smlabb((uint32_t)(int32_t)p[o[t]], (uint32_t)(int32_t)w[t], acc);
    }
    return acc;
}

/* The requantization of one channel in locals (the output stores could alias its words). */
typedef struct {
    int32_t mult, round, sign, shift, lo, hi, clamp;
    uint32_t lo4, hi4;
    int32_t q4[TB_RQ4_WORDS]; /* the channel in all four lanes (used when sign is -1: e >= 1) */
} tb_dwf_rq_t;

TB_ALWAYS_INLINE int8_t tb_dwf_finish(const tb_dwf_rq_t *q, int32_t acc)
{
    const int32_t v = tb_requant_folded(acc, q->mult, q->round, q->sign, q->shift);
    return (int8_t)(q->clamp ? tb_clamp_act(v, q->lo, q->hi) : v);
}

/* `count` pixels of a row with every filter column inside: taps [t0, t0 + n) of the table (the
 * filter rows inside), `origin` the address the table's offsets start from (the window's first
 * tap, maybe outside the input: only offsets of taps inside are added to it). */
__attribute__((noinline)) static void tb_dwf_run(const tb_dwf_pass_t *ps, const tb_dwf_rq_t *q, uintptr_t origin,
                                                 int32_t t0, int32_t n, int32_t bias, int32_t count, ptrdiff_t step,
                                                 int8_t *out)
{
    const intptr_t *o = ps->offs + t0;
    const int16_t *w = ps->w + t0;
    const int32_t op = ps->out_pitch;
    const int8_t *p = (const int8_t *)origin;
    int32_t px = 0;
    if (step == 1 || step == 2) {
        for (; px + 4 <= count; px += 4, p += 4 * step, out += 4 * op) {
            int32_t acc[4] = {bias, bias, bias, bias};
            if (step == 1) {
                tb_dwf_quad1(p, o, w, n, acc);
            } else {
                tb_dwf_quad2(p, o, w, n, acc);
            }
            if (q->sign != 0) {
                uint32_t word = tb_requant4_doubled(acc[0], acc[1], acc[2], acc[3], q->q4);
                if (q->clamp) {
                    word = tb_clamp4(word, q->lo4, q->hi4);
                }
                if (op == 1) {
                    __builtin_memcpy(out, &word, sizeof word);
                } else {
                    out[0] = (int8_t)word;
                    out[op] = (int8_t)(word >> 8);
                    out[2 * op] = (int8_t)(word >> 16);
                    out[3 * op] = (int8_t)(word >> 24);
                }
            } else {
                for (int32_t k = 0; k < 4; k++) {
                    out[k * op] = tb_dwf_finish(q, acc[k]);
                }
            }
        }
    }
    for (; px + 2 <= count; px += 2, p += 2 * step, out += 2 * op) {
        int32_t acc[2] = {bias, bias};
        tb_dwf_pair(p, step, o, w, n, acc);
        out[0] = tb_dwf_finish(q, acc[0]);
        out[op] = tb_dwf_finish(q, acc[1]);
    }
    if (px < count) {
        *out = tb_dwf_finish(q, tb_dwf_one(p, o, w, n, bias));
    }
}

/* One output channel over one image. */
__attribute__((noinline)) static void tb_dwf_pass(const tb_dwf_pass_t *ps, const int8_t *image, int8_t *out,
                                                  int32_t out_h, int32_t out_w)
{
    const tb_depthwise_conv_dsp_params_t *params = ps->params;
    const int32_t in_h = ps->in_h, in_w = ps->in_w, ic = ps->pitch, op = ps->out_pitch;
    const int32_t k_h = params->filter.h, k_w = params->filter.w;
    const int32_t sh = params->stride.h, sw = params->stride.w;
    const int32_t dh = params->dilation.h, dw = params->dilation.w;
    const int32_t ph = params->padding.h, pw = params->padding.w;
    const ptrdiff_t row_bytes = (ptrdiff_t)in_w * ic;
    const ptrdiff_t row_step = dh * row_bytes, col_step = (ptrdiff_t)dw * ic, step = (ptrdiff_t)sw * ic;
    const int32_t pw1 = k_w + 1; /* prefix row length */
    const int32_t raw = ps->rq[TB_RQ_RAW_BIAS];
    tb_dwf_rq_t q; /* q4's bias lanes are never read */
    q.mult = ps->rq[TB_RQ_MULT], q.round = ps->rq[TB_RQ_ROUND], q.sign = ps->rq[TB_RQ_SIGN];
    q.shift = ps->rq[TB_RQ_SHIFT], q.lo = params->activation.min, q.hi = params->activation.max;
    q.clamp = params->clamp, q.lo4 = tb_bytes4(q.lo), q.hi4 = tb_bytes4(q.hi);
    for (int32_t i = 0; i < 4; i++) {
        q.q4[TB_RQ4_MULT + i] = q.mult;
        q.q4[TB_RQ4_ROUND + i] = q.round;
        q.q4[TB_RQ4_SHIFT + i] = q.shift;
    }
    /* Run columns [left, right): every filter column inside the input. */
    const int32_t left0 = (pw + sw - 1) / sw;
    const int32_t left = left0 < out_w ? left0 : out_w;
    const int32_t last = in_w - 1 - (k_w - 1) * dw + pw;
    int32_t right = last < 0 ? 0 : last / sw + 1;
    right = right > out_w ? out_w : right;
    right = right < left ? left : right;
    /* Rows [top, bottom): every filter row inside. With the offset table, their border columns
     * run afterwards as vertical runs (below), so the row loop skips them. */
    const int32_t top0 = (ph + sh - 1) / sh;
    const int32_t top = top0 < out_h ? top0 : out_h;
    const int32_t last_y = in_h - 1 - (k_h - 1) * dh + ph;
    int32_t bottom = last_y < 0 ? 0 : last_y / sh + 1;
    bottom = bottom > out_h ? out_h : bottom;
    bottom = bottom - top < TB_DWF_MIN_COLUMN_RUN || ps->offs == NULL ? top : bottom; /* short runs: per pixel */
    int8_t *const out0 = out;
    for (int32_t oy = 0; oy < out_h; oy++) {
        const int32_t y0 = oy * sh - ph;
        const int columns_later = oy >= top && oy < bottom;
        int32_t ky0, ky1;
        tb_dw_axis(y0, dh, k_h, in_h, &ky0, &ky1);
        const int32_t rows = ky1 - ky0;
        const int32_t *p0 = ps->prefix + (size_t)ky0 * (size_t)pw1;
        const int32_t *p1 = ps->prefix + (size_t)ky1 * (size_t)pw1;
        /* Byte offset of the first filter row inside (read only when rows > 0). */
        const ptrdiff_t row_first = rows > 0 ? (ptrdiff_t)(y0 + ky0 * dh) * row_bytes : 0;
        const int16_t *w_first = ps->w + (size_t)ky0 * (size_t)k_w;
        /* The bias of pixels with every filter column inside. */
        const int32_t full = (int32_t)((uint32_t)raw + (uint32_t)p1[k_w] - (uint32_t)p0[k_w]);
        int32_t ox = 0;
        for (int pass = 0; pass < 2; pass++) {
            /* pass 0: the left border columns; pass 1: the right ones (after the run). */
            const int32_t end = pass == 0 ? left : out_w;
            if (columns_later) {
                out += (ptrdiff_t)(end - ox) * op;
                ox = end;
            }
            for (; ox < end; ox++, out += op) {
                const int32_t x0 = ox * sw - pw;
                int32_t kx0, kx1;
                tb_dw_axis(x0, dw, k_w, in_w, &kx0, &kx1);
                int32_t acc = (int32_t)((uint32_t)raw + (uint32_t)p1[kx1] - (uint32_t)p0[kx1] -
                                        (uint32_t)p1[kx0] + (uint32_t)p0[kx0]);
                if (rows > 0 && kx1 > kx0) {
                    const int8_t *p = image + row_first + (ptrdiff_t)(x0 + kx0 * dw) * ic;
                    acc = tb_dwf_nested(p, w_first + kx0, rows, kx1 - kx0, row_step, col_step, k_w, acc);
                }
                *out = tb_dwf_finish(&q, acc);
            }
            if (pass == 1 || ox >= right) {
                continue;
            }
            const int32_t count = right - ox;
            const int8_t *first = image + row_first + (ptrdiff_t)(ox * sw - pw) * ic; /* filter row ky0, column 0 */
            if (ps->offs != NULL) {
                const int32_t t0 = ky0 * k_w;
                const uintptr_t origin = (uintptr_t)first - (uintptr_t)ps->offs[t0];
                tb_dwf_run(ps, &q, origin, t0, rows * k_w, full, count, step, out);
            } else {
                for (int32_t k = 0; k < count; k++) {
                    out[k * op] = tb_dwf_finish(&q, tb_dwf_nested(first + k * step, w_first, rows, k_w, row_step,
                                                                  col_step, k_w, full));
                }
            }
            ox += count;
            out += (ptrdiff_t)count * op;
        }
    }
    if (bottom == top) {
        return;
    }
    /* The border columns of rows [top, bottom): per column one vertical run with a table of just
     * its taps inside (every filter row, columns [kx0, kx1)). */
    intptr_t offs[TB_DWF_MAX_TAPS];
    int16_t w[TB_DWF_MAX_TAPS];
    tb_dwf_pass_t col = *ps;
    col.offs = offs;
    col.w = w;
    col.out_pitch = out_w * op;
    const int32_t *p_end = ps->prefix + (size_t)k_h * (size_t)pw1;
    for (int32_t ox = 0; ox < out_w; ox++) {
        if (ox == left) {
            ox = right;
            if (ox >= out_w) {
                break;
            }
        }
        const int32_t x0 = ox * sw - pw;
        int32_t kx0, kx1;
        tb_dw_axis(x0, dw, k_w, in_w, &kx0, &kx1);
        int32_t n = 0;
        for (int32_t ky = 0; ky < k_h; ky++) {
            for (int32_t kx = kx0; kx < kx1; kx++, n++) {
                offs[n] = ps->offs[ky * k_w + kx];
                w[n] = ps->w[ky * k_w + kx];
            }
        }
        const int32_t bias = (int32_t)((uint32_t)raw + (uint32_t)p_end[kx1] - (uint32_t)p_end[kx0]);
        const uintptr_t origin = (uintptr_t)image + (uintptr_t)(((ptrdiff_t)(top * sh - ph) * row_bytes) +
                                                                 (ptrdiff_t)x0 * ic);
        tb_dwf_run(&col, &q, origin, 0, n, bias, bottom - top, sh * row_bytes,
                   out0 + ((ptrdiff_t)top * out_w + ox) * op);
    }
}

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
    const int32_t in_c = input_dims->c, out_c = output_dims->c, mult = params->depth_multiplier;
    const int32_t k_h = params->filter.h, k_w = params->filter.w, taps = k_h * k_w;
    const int32_t taps_even = (taps + 1) & ~1;
    intptr_t offs[TB_DWF_MAX_TAPS];
    const int table = taps <= TB_DWF_MAX_TAPS;
    if (table) {
        for (int32_t ky = 0, t = 0; ky < k_h; ky++) {
            for (int32_t kx = 0; kx < k_w; kx++, t++) {
                offs[t] = ((intptr_t)ky * params->dilation.h * input_dims->w + (intptr_t)kx * params->dilation.w) * in_c;
            }
        }
    }
    const size_t image_bytes = (size_t)input_dims->h * (size_t)input_dims->w * (size_t)in_c;
    const size_t out_bytes = (size_t)output_dims->h * (size_t)output_dims->w * (size_t)out_c;
    for (int32_t oc = 0; oc < out_c; oc++) {
        const tb_dwf_pass_t ps = {params, requant + (size_t)oc * TB_RQ_WORDS,
                                  prefix + (size_t)oc * (size_t)(k_h + 1) * (size_t)(k_w + 1),
                                  filter + (size_t)oc * (size_t)taps_even, table ? offs : NULL,
                                  input_dims->h, input_dims->w, in_c, out_c};
        for (int32_t b = 0; b < input_dims->n; b++) {
            tb_dwf_pass(&ps, input + (size_t)b * image_bytes + (size_t)(oc / mult),
                        output + (size_t)b * out_bytes + (size_t)oc, output_dims->h, output_dims->w);
        }
    }
    return TB_OK;
}
