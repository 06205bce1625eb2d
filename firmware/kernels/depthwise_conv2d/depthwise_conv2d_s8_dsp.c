/* Optimized int8 DEPTHWISE_CONV_2D, any geometry (general variant).
 *
 * Depth multiplier 1: four channels per step (SXTB16 + SMLABB/SMLATT), the input offset folded
 * into the bias of outputs whose window lies inside the input. Depth multiplier > 1: one output
 * channel at a time with the folded requantization. Bit-exact with tb_depthwise_conv2d_s8.
 */
#include <stddef.h>
#include <stdint.h>

#include "depthwise_conv2d/depthwise_conv2d_dsp_common.h"

/* Filters with more taps run the per-pixel bounds-checked paths. */
#define TB_DW_MAX_TAPS 64

__attribute__((optimize("no-schedule-insns"))) static void tb_dw_pixel_interior(const tb_depthwise_conv_dsp_params_t *params, const int32_t *requant,
                                 const int8_t *origin, int32_t in_w, int32_t channels,
                                 const int16_t *filter, int8_t *out)
{
    const int32_t k_h = params->filter.h, k_w = params->filter.w;
    const int32_t taps = k_h * k_w;
    const size_t row_step = (size_t)params->dilation.h * (size_t)in_w * (size_t)channels;
    const size_t col_step = (size_t)params->dilation.w * (size_t)channels;
    for (int32_t g = 0; g < channels; g += 4) {
        const int32_t n = channels - g < 4 ? channels - g : 4;
        const int32_t *rq = requant + (size_t)g * TB_RQ_WORDS;
        int32_t a0 = rq[TB_RQ_BIAS];
        int32_t a1 = rq[TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a2 = rq[2 * TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a3 = rq[3 * TB_RQ_WORDS + TB_RQ_BIAS];
        const int16_t *w = filter + (size_t)(g / 4) * (size_t)taps * 4;
        const int8_t *row = origin + g;
        for (int32_t ky = 0; ky < k_h; ky++) {
            const int8_t *p = row;
            for (int32_t kx = 0; kx < k_w; kx++) {
                const uint32_t v = tb_dw_load_group(p, n);
                TB_DW_TAP4(v, w, a0, a1, a2, a3);
                w += 4;
                p += col_step;
            }
            row += row_step;
        }
        tb_dw_store4(out + g, rq, n, a0, a1, a2, a3, params);
    }
}

static void tb_dw_store_one(const tb_depthwise_conv_dsp_params_t *params, const int32_t *rq, int32_t acc,
                            int8_t *out)
{
    int32_t v = tb_requant_row(acc, rq);
    if (params->clamp) {
        v = tb_clamp_act(v, params->activation.min, params->activation.max);
    }
    *out = (int8_t)v;
}

/* One input value in both halfwords, for SMLABB / SMLATB against a pair of int16 weights. */
TB_ALWAYS_INLINE uint32_t tb_dw_pair(int32_t x)
{
    return (uint32_t)(uint16_t)x | ((uint32_t)x << 16);
}

/* Depth multiplier > 1: the output channels of one input channel share every input value, so
 * each value is loaded once for four (or two) of them. Filter per input channel: blocks of four
 * outputs as [tap][4], a pair as [tap][2], the last as [tap]; output oc starts at oc x taps. */
__attribute__((noinline)) static void tb_dw_multiplier(const tb_depthwise_conv_dsp_params_t *params, const int32_t *requant,
                             const int8_t *input, int32_t in_h, int32_t in_w, int32_t in_c,
                             int32_t y0, int32_t x0, const int16_t *filter, int8_t *out)
{
    const int32_t k_h = params->filter.h, k_w = params->filter.w;
    const int32_t taps = k_h * k_w, mult = params->depth_multiplier;
    const int32_t ky0 = y0 >= 0 ? 0 : (-y0 + params->dilation.h - 1) / params->dilation.h;
    const int32_t kx0 = x0 >= 0 ? 0 : (-x0 + params->dilation.w - 1) / params->dilation.w;
    int32_t ky1 = k_h, kx1 = k_w;
    while (ky1 > ky0 && y0 + (ky1 - 1) * params->dilation.h >= in_h) {
        ky1--;
    }
    while (kx1 > kx0 && x0 + (kx1 - 1) * params->dilation.w >= in_w) {
        kx1--;
    }
    const int interior = ky0 == 0 && kx0 == 0 && ky1 == k_h && kx1 == k_w;
    const int32_t offset = interior ? 0 : params->input_offset;
    const int32_t bias_word = interior ? TB_RQ_BIAS : TB_RQ_RAW_BIAS;
    const size_t row_step = (size_t)params->dilation.h * (size_t)in_w * (size_t)in_c;
    const size_t col_step = (size_t)params->dilation.w * (size_t)in_c;
    const int8_t *first = input + ((size_t)(y0 + ky0 * params->dilation.h) * (size_t)in_w +
                                   (size_t)(x0 + kx0 * params->dilation.w)) * (size_t)in_c;
    const int32_t first_tap = ky0 * k_w + kx0, cols = kx1 - kx0;
    for (int32_t ic = 0; ic < in_c; ic++) {
        int32_t m = 0;
        for (; m + 4 <= mult; m += 4) {
            const int32_t oc = ic * mult + m;
            const int32_t *rq = requant + (size_t)oc * TB_RQ_WORDS;
            const int16_t *w = filter + (size_t)oc * (size_t)taps + 4 * (size_t)first_tap;
            int32_t a0 = rq[bias_word], a1 = rq[TB_RQ_WORDS + bias_word];
            int32_t a2 = rq[2 * TB_RQ_WORDS + bias_word], a3 = rq[3 * TB_RQ_WORDS + bias_word];
            const int8_t *row = first + ic;
            for (int32_t ky = ky0; ky < ky1; ky++) {
                const int8_t *p = row;
                const int16_t *wr = w;
                for (int32_t kx = 0; kx < cols; kx++) {
                    const uint32_t x = tb_dw_pair((int32_t)*p + offset);
                    const uint32_t w01 = tb_read_u32(wr), w23 = tb_read_u32(wr + 2);
                    a0 = tb_smlabb(w01, x, a0);
                    a1 = tb_smlatt(w01, x, a1);
                    a2 = tb_smlabb(w23, x, a2);
                    a3 = tb_smlatt(w23, x, a3);
                    wr += 4;
                    p += col_step;
                }
                w += 4 * (size_t)k_w;
                row += row_step;
            }
            tb_dw_store_one(params, rq, a0, out + oc);
            tb_dw_store_one(params, rq + TB_RQ_WORDS, a1, out + oc + 1);
            tb_dw_store_one(params, rq + 2 * TB_RQ_WORDS, a2, out + oc + 2);
            tb_dw_store_one(params, rq + 3 * TB_RQ_WORDS, a3, out + oc + 3);
        }
        if (m + 2 <= mult) {
            const int32_t oc = ic * mult + m;
            const int32_t *rq = requant + (size_t)oc * TB_RQ_WORDS;
            const int16_t *w = filter + (size_t)oc * (size_t)taps + 2 * (size_t)first_tap;
            int32_t a0 = rq[bias_word], a1 = rq[TB_RQ_WORDS + bias_word];
            const int8_t *row = first + ic;
            for (int32_t ky = ky0; ky < ky1; ky++) {
                const int8_t *p = row;
                const int16_t *wr = w;
                for (int32_t kx = 0; kx < cols; kx++) {
                    const uint32_t x = tb_dw_pair((int32_t)*p + offset);
                    const uint32_t w01 = tb_read_u32(wr);
                    a0 = tb_smlabb(w01, x, a0);
                    a1 = tb_smlatt(w01, x, a1);
                    wr += 2;
                    p += col_step;
                }
                w += 2 * (size_t)k_w;
                row += row_step;
            }
            tb_dw_store_one(params, rq, a0, out + oc);
            tb_dw_store_one(params, rq + TB_RQ_WORDS, a1, out + oc + 1);
            m += 2;
        }
        for (; m < mult; m++) {
            const int32_t oc = ic * mult + m;
            const int32_t *rq = requant + (size_t)oc * TB_RQ_WORDS;
            const int16_t *w = filter + (size_t)oc * (size_t)taps + first_tap;
            int32_t acc = rq[bias_word];
            const int8_t *row = first + ic;
            for (int32_t ky = ky0; ky < ky1; ky++) {
                const int8_t *p = row;
                for (int32_t kx = 0; kx < cols; kx++) {
                    acc += (int32_t)w[kx] * ((int32_t)*p + offset);
                    p += col_step;
                }
                w += k_w;
                row += row_step;
            }
            tb_dw_store_one(params, rq, acc, out + oc);
        }
    }
}

/* Tap-offset paths ----------------------------------------------------------------------------
 * Every output pixel reads its taps at base + offs[i] (+ the channel). Interior pixels share one
 * table relative to their window's first pixel. Border pixels get their own table relative to
 * the image, in one of two forms:
 *  - padded: every tap, those in the padding pointing at the pad pixel (the input zero point in
 *    every channel, which adds filter x 0 with the offset-folded bias), so the interior loop runs
 *    them without bounds checks or offset additions;
 *  - compact (most taps in the padding): only the taps inside, each with its filter tap index
 *    (tapw), the bias without the offset folded in and the offset added per tap.
 */

typedef struct {
    const tb_depthwise_conv_dsp_params_t *params;
    const int32_t *requant;
    const int16_t *filter;
    int32_t taps;      /* the filter's */
    int32_t in_c;
    uint32_t lo4, hi4; /* activation bounds in every byte */
    uint32_t off2;     /* the input offset in both halfwords */
} tb_dw_job_t;

/* Taps of one pixel: offsets from base; compact form: count of them and their filter taps. */
typedef struct {
    const int8_t *base;
    const intptr_t *offs;
    const int32_t *tapw; /* compact form only */
    int32_t count;
    int32_t pixels;      /* output pixels in a run (interior pixels of a row; else 1) */
    int32_t step;        /* input bytes from one pixel of the run to the next */
} tb_dw_taps_t;

/* The last 1..3 channels of a group as SXTB16 expects them (never reads past them). */
TB_ALWAYS_INLINE uint32_t tb_dw_load_n(const int8_t *p, int32_t n)
{
    if (n == 1) {
        return (uint32_t)(uint8_t)p[0];
    }
    uint16_t h;
    __builtin_memcpy(&h, p, sizeof h);
    return n == 2 ? (uint32_t)h : ((uint32_t)h | (uint32_t)(uint8_t)p[2] << 16);
}

/* The tail group (n = channels % 4, a constant after inlining) of one pixel, depth multiplier 1. */
TB_ALWAYS_INLINE void tb_dw_tail_m1(const tb_dw_job_t *job, const tb_dw_taps_t *tp, int32_t g, int32_t n,
                                    int8_t *out, const int compact)
{
    const int32_t bias = compact ? TB_RQ_RAW_BIAS : TB_RQ_BIAS;
    const uint32_t off2 = compact ? job->off2 : 0u;
    const int32_t *rq = job->requant + (size_t)g * TB_RQ_WORDS;
    const int16_t *wg = job->filter + (size_t)(g / 4) * (size_t)job->taps * 4;
    const int8_t *p = tp->base + g;
    int32_t a0 = rq[bias], a1 = rq[TB_RQ_WORDS + bias], a2 = rq[2 * TB_RQ_WORDS + bias];
    const int32_t a3 = 0;
    int32_t i = 0;
    if (!compact) { /* two taps per step */
        const int16_t *w = wg;
        for (; i + 2 <= tp->count; i += 2, w += 8) {
            const uint32_t x = tb_dw_load_n(p + tp->offs[i], n), y = tb_dw_load_n(p + tp->offs[i + 1], n);
            uint32_t w02, w13, v02, v13;
            tb_read_w2(w, &w02, &w13);
            tb_read_w2(w + 4, &v02, &v13);
            const uint32_t x02 = tb_sxtb16(x), y02 = tb_sxtb16(y);
            a0 = tb_smlabb(x02, w02, a0);
            a0 = tb_smlabb(y02, v02, a0);
            if (n > 1) {
                a1 = tb_smlabb(tb_sxtb16_ror8(x), w13, a1);
                a1 = tb_smlabb(tb_sxtb16_ror8(y), v13, a1);
            }
            if (n > 2) {
                a2 = tb_smlatt(x02, w02, a2);
                a2 = tb_smlatt(y02, v02, a2);
            }
        }
    }
    for (; i < tp->count; i++) {
        if (n == 1 && !compact) { /* a sign-extended byte is its own low halfword */
            a0 = tb_smlabb((uint32_t)(int32_t)p[tp->offs[i]], tb_read_u32(wg + 4 * (size_t)i), a0);
            continue;
        }
        const uint32_t x = tb_dw_load_n(p + tp->offs[i], n);
        const int16_t *w = wg + 4 * (size_t)(compact ? tp->tapw[i] : i);  /* the tail after two-tap steps */
        uint32_t w02, w13;
        tb_read_w2(w, &w02, &w13);
        const uint32_t x02 = compact ? tb_sadd16(tb_sxtb16(x), off2) : tb_sxtb16(x);
        a0 = tb_smlabb(x02, w02, a0);
        if (n > 1) {
            const uint32_t x13 = compact ? tb_sadd16(tb_sxtb16_ror8(x), off2) : tb_sxtb16_ror8(x);
            a1 = tb_smlabb(x13, w13, a1);
        }
        if (n > 2) {
            a2 = tb_smlatt(x02, w02, a2);
        }
    }
    const int32_t *packed = job->params->packed;
    if (packed != NULL) { /* the tail group's lanes past n requantize padding constants */
        uint32_t word = tb_requant4_doubled(a0, a1, a2, a3, packed + (size_t)(g / 4) * TB_RQ4_WORDS);
        if (job->params->clamp) {
            word = tb_clamp4(word, job->lo4, job->hi4);
        }
        out[0] = (int8_t)word;
        if (n > 1) {
            out[1] = (int8_t)(word >> 8);
        }
        if (n > 2) {
            out[2] = (int8_t)(word >> 16);
        }
        return;
    }
    tb_dw_store4(out, rq, n, a0, a1, a2, a3, job->params);
}

/* Every channel of one output pixel, depth multiplier 1: groups of 4 channels. */
TB_ALWAYS_INLINE void tb_dw_m1_body(const tb_dw_job_t *job, const tb_dw_taps_t *tp, int8_t *out, const int compact,
                                   const int with_tail)
{
    const int32_t channels = job->in_c, full = channels & ~3, taps = job->taps;
    const int32_t bias = compact ? TB_RQ_RAW_BIAS : TB_RQ_BIAS;
    const int32_t *packed = job->params->packed;
    const int32_t *rq = job->requant;
    const int16_t *wg = job->filter;
    const intptr_t *const offs = tp->offs;
    const intptr_t *const offs_end = offs + (tp->count & ~1);
    for (int32_t g = 0; g < full; g += 4, wg += 4 * (size_t)taps) {
        const int8_t *p = tp->base + g;
        int32_t a0, a1, a2, a3;
        if (!compact && packed != NULL) {
            a0 = packed[0], a1 = packed[1], a2 = packed[2], a3 = packed[3];
        } else {
            a0 = rq[bias], a1 = rq[TB_RQ_WORDS + bias];
            a2 = rq[2 * TB_RQ_WORDS + bias], a3 = rq[3 * TB_RQ_WORDS + bias];
        }
        if (compact) {
            const uint32_t off2 = job->off2;
            for (int32_t i = 0; i < tp->count; i++) {
                TB_DW_TAP4_OFFSET(tb_read_u32(p + offs[i]), off2, wg + 4 * (size_t)tp->tapw[i], a0, a1, a2, a3);
            }
        } else {
            const int16_t *w = wg;
            const intptr_t *o = offs;
            for (; o < offs_end; o += 2, w += 8) {
                TB_DW_TAP4(tb_read_u32(p + o[0]), w, a0, a1, a2, a3);
                TB_DW_TAP4(tb_read_u32(p + o[1]), w + 4, a0, a1, a2, a3);
            }
            if (taps & 1) {
                TB_DW_TAP4(tb_read_u32(p + o[0]), w, a0, a1, a2, a3);
            }
        }
        if (packed != NULL) {
            uint32_t word = tb_requant4_doubled(a0, a1, a2, a3, packed);
            if (job->params->clamp) {
                word = tb_clamp4(word, job->lo4, job->hi4);
            }
            __builtin_memcpy(out + g, &word, sizeof word);
            packed += TB_RQ4_WORDS;
        } else {
            tb_dw_store4(out + g, rq, 4, a0, a1, a2, a3, job->params);
        }
        rq += 4 * TB_RQ_WORDS;
    }
    switch (with_tail ? channels - full : 0) {
    case 1:
        tb_dw_tail_m1(job, tp, full, 1, out + full, compact);
        break;
    case 2:
        tb_dw_tail_m1(job, tp, full, 2, out + full, compact);
        break;
    case 3:
        tb_dw_tail_m1(job, tp, full, 3, out + full, compact);
        break;
    default:
        break;
    }
}

/* The tail group of two pixels `step` input bytes apart (interior runs): one weight load serves
 * both. n = channels % 4, a constant after inlining. */
TB_ALWAYS_INLINE void tb_dw_tail2_m1(const tb_dw_job_t *job, const int8_t *base, const intptr_t *offs, int32_t step,
                                     int32_t g, int32_t n, int8_t *out)
{
    const int32_t *rq = job->requant + (size_t)g * TB_RQ_WORDS;
    const int16_t *w = job->filter + (size_t)(g / 4) * (size_t)job->taps * 4;
    const int8_t *p = base + g;
    int32_t a0 = rq[TB_RQ_BIAS], a1 = rq[TB_RQ_WORDS + TB_RQ_BIAS], a2 = rq[2 * TB_RQ_WORDS + TB_RQ_BIAS];
    int32_t b0 = a0, b1 = a1, b2 = a2;
    for (int32_t i = 0; i < job->taps; i++, w += 4) {
        const int8_t *q = p + offs[i];
        if (n == 1) { /* sign-extended bytes are their own low halfwords */
            const uint32_t w02 = tb_read_u32(w);
            a0 = tb_smlabb((uint32_t)(int32_t)q[0], w02, a0);
            b0 = tb_smlabb((uint32_t)(int32_t)q[step], w02, b0);
            continue;
        }
        const uint32_t xa = tb_dw_load_n(q, n), xb = tb_dw_load_n(q + step, n);
        uint32_t w02, w13;
        tb_read_w2(w, &w02, &w13);
        const uint32_t xa02 = tb_sxtb16(xa), xb02 = tb_sxtb16(xb);
        a0 = tb_smlabb(xa02, w02, a0);
        b0 = tb_smlabb(xb02, w02, b0);
        a1 = tb_smlabb(tb_sxtb16_ror8(xa), w13, a1);
        b1 = tb_smlabb(tb_sxtb16_ror8(xb), w13, b1);
        if (n > 2) {
            a2 = tb_smlatt(xa02, w02, a2);
            b2 = tb_smlatt(xb02, w02, b2);
        }
    }
    tb_dw_store4(out, rq, n, a0, a1, a2, 0, job->params);
    tb_dw_store4(out + job->in_c, rq, n, b0, b1, b2, 0, job->params);
}

__attribute__((noinline)) static void tb_dw_pixel_m1(const tb_dw_job_t *job, const tb_dw_taps_t *tp, int8_t *out)
{
    tb_dw_taps_t one = *tp;
    const int32_t full = job->in_c & ~3, tail = job->in_c - full;
    int32_t px = 0;
    if (tail != 0) { /* whole groups per pixel, then the tail groups of pixel pairs */
        int8_t *o = out;
        for (; px + 2 <= tp->pixels; px += 2, o += 2 * (size_t)job->in_c) {
            tb_dw_m1_body(job, &one, o, 0, 0);
            one.base += tp->step;
            tb_dw_m1_body(job, &one, o + job->in_c, 0, 0);
            const int8_t *first = one.base - tp->step;
            one.base += tp->step;
            if (tail == 1) {
                tb_dw_tail2_m1(job, first, tp->offs, tp->step, full, 1, o + full);
            } else if (tail == 2) {
                tb_dw_tail2_m1(job, first, tp->offs, tp->step, full, 2, o + full);
            } else {
                tb_dw_tail2_m1(job, first, tp->offs, tp->step, full, 3, o + full);
            }
        }
        out = o;
    }
    for (; px < tp->pixels; px++, one.base += tp->step, out += job->in_c) {
        tb_dw_m1_body(job, &one, out, 0, 1);
    }
}

__attribute__((noinline)) static void tb_dw_pixel_m1_compact(const tb_dw_job_t *job, const tb_dw_taps_t *tp,
                                                             int8_t *out)
{
    tb_dw_m1_body(job, tp, out, 1, 1);
}

/* Depth multiplier > 1: every output channel of one pixel, in the layout of tb_dw_multiplier. */
TB_ALWAYS_INLINE void tb_dw_mult_body(const tb_dw_job_t *job, const tb_dw_taps_t *tp, int8_t *out, const int compact)
{
    const tb_depthwise_conv_dsp_params_t *params = job->params;
    const int32_t taps = job->taps, mult = params->depth_multiplier, count = tp->count;
    const int32_t bias = compact ? TB_RQ_RAW_BIAS : TB_RQ_BIAS;
    const int32_t offset = compact ? params->input_offset : 0;
    const int32_t *packed = params->packed; /* non-NULL only when mult % 4 == 0 */
    const int16_t *w = job->filter;
    const int32_t *rq = job->requant;
    const intptr_t *const offs = tp->offs;
    const int32_t *const tapw = tp->tapw;
    int8_t *o8 = out;
    for (int32_t ic = 0; ic < job->in_c; ic++) {
        const int8_t *p = tp->base + ic;
        int32_t m = 0;
        for (; m + 4 <= mult; m += 4, w += 4 * (size_t)taps) {
            int32_t a0, a1, a2, a3;
            if (!compact && packed != NULL) {
                a0 = packed[0], a1 = packed[1], a2 = packed[2], a3 = packed[3];
            } else {
                a0 = rq[bias], a1 = rq[TB_RQ_WORDS + bias];
                a2 = rq[2 * TB_RQ_WORDS + bias], a3 = rq[3 * TB_RQ_WORDS + bias];
            }
            int32_t i = 0;
            if (!compact) { /* two taps per step: half the loop overhead */
                const int16_t *wt = w;
                for (; i + 2 <= count; i += 2, wt += 8) {
                    const uint32_t x0 = (uint32_t)(int32_t)p[offs[i]], x1 = (uint32_t)(int32_t)p[offs[i + 1]];
                    uint32_t w01, w23;
                    tb_read_w2(wt, &w01, &w23);
                    a0 = tb_smlabb(x0, w01, a0);
                    a1 = tb_smlabt(x0, w01, a1);
                    a2 = tb_smlabb(x0, w23, a2);
                    a3 = tb_smlabt(x0, w23, a3);
                    tb_read_w2(wt + 4, &w01, &w23);
                    a0 = tb_smlabb(x1, w01, a0);
                    a1 = tb_smlabt(x1, w01, a1);
                    a2 = tb_smlabb(x1, w23, a2);
                    a3 = tb_smlabt(x1, w23, a3);
                }
            }
            for (; i < count; i++) {
                const uint32_t x = (uint32_t)((int32_t)p[offs[i]] + offset);
                uint32_t w01, w23;
                tb_read_w2(w + 4 * (size_t)(compact ? tapw[i] : i), &w01, &w23);
                a0 = tb_smlabb(x, w01, a0);
                a1 = tb_smlabt(x, w01, a1);
                a2 = tb_smlabb(x, w23, a2);
                a3 = tb_smlabt(x, w23, a3);
            }
            if (packed != NULL) {
                uint32_t word = tb_requant4_doubled(a0, a1, a2, a3, packed);
                if (params->clamp) {
                    word = tb_clamp4(word, job->lo4, job->hi4);
                }
                __builtin_memcpy(o8, &word, sizeof word);
                packed += TB_RQ4_WORDS;
            } else {
                tb_dw_store_one(params, rq, a0, o8);
                tb_dw_store_one(params, rq + TB_RQ_WORDS, a1, o8 + 1);
                tb_dw_store_one(params, rq + 2 * TB_RQ_WORDS, a2, o8 + 2);
                tb_dw_store_one(params, rq + 3 * TB_RQ_WORDS, a3, o8 + 3);
            }
            rq += 4 * TB_RQ_WORDS;
            o8 += 4;
        }
        if (m + 2 <= mult) {
            int32_t a0 = rq[bias], a1 = rq[TB_RQ_WORDS + bias];
            for (int32_t i = 0; i < count; i++) {
                const uint32_t x = (uint32_t)((int32_t)p[offs[i]] + offset);
                const uint32_t w01 = tb_read_u32(w + 2 * (size_t)(compact ? tapw[i] : i));
                a0 = tb_smlabb(x, w01, a0);
                a1 = tb_smlabt(x, w01, a1);
            }
            tb_dw_store_one(params, rq, a0, o8);
            tb_dw_store_one(params, rq + TB_RQ_WORDS, a1, o8 + 1);
            w += 2 * (size_t)taps;
            rq += 2 * TB_RQ_WORDS;
            o8 += 2;
            m += 2;
        }
        if (m < mult) {
            int32_t acc = rq[bias];
            for (int32_t i = 0; i < count; i++) {
                acc += (int32_t)w[compact ? tapw[i] : i] * ((int32_t)p[offs[i]] + offset);
            }
            tb_dw_store_one(params, rq, acc, o8);
            w += taps;
            rq += TB_RQ_WORDS;
            o8++;
        }
    }
}

__attribute__((noinline)) static void tb_dw_pixel_mult(const tb_dw_job_t *job, const tb_dw_taps_t *tp, int8_t *out)
{
    tb_dw_taps_t one = *tp;
    const size_t out_c = (size_t)job->in_c * (size_t)job->params->depth_multiplier;
    for (int32_t px = 0; px < tp->pixels; px++, one.base += tp->step, out += out_c) {
        tb_dw_mult_body(job, &one, out, 0);
    }
}

__attribute__((noinline)) static void tb_dw_pixel_mult_compact(const tb_dw_job_t *job, const tb_dw_taps_t *tp,
                                                               int8_t *out)
{
    tb_dw_mult_body(job, tp, out, 1);
}

/* The tap-offset paths over the whole layer (needs the pad pixel and at most TB_DW_MAX_TAPS taps). */
static void tb_dw_offsets_layer(const tb_depthwise_conv_dsp_params_t *params, const int32_t *requant,
                                const tb_dims_t *input_dims, const int8_t *input, const int16_t *filter,
                                const tb_dims_t *output_dims, int8_t *output)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t k_h = params->filter.h, k_w = params->filter.w, taps = k_h * k_w;
    const int32_t dh = params->dilation.h, dw = params->dilation.w;
    const int32_t span_h = (k_h - 1) * dh, span_w = (k_w - 1) * dw;
    const tb_dw_job_t job = {params, requant, filter, taps, in_c, tb_bytes4(params->activation.min),
                             tb_bytes4(params->activation.max),
                             ((uint32_t)params->input_offset & 0xFFFFu) * 0x10001u};
    const int mult = params->depth_multiplier > 1;
    intptr_t inner[TB_DW_MAX_TAPS], border[TB_DW_MAX_TAPS];
    int32_t tapw[TB_DW_MAX_TAPS];
    for (int32_t ky = 0, t = 0; ky < k_h; ky++) {
        for (int32_t kx = 0; kx < k_w; kx++, t++) {
            inner[t] = (intptr_t)(ky * dh * in_w + kx * dw) * in_c;
        }
    }
    const size_t image_bytes = (size_t)in_h * (size_t)in_w * (size_t)in_c;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + (size_t)b * image_bytes;
        /* The pad pixel as an offset from the image (address arithmetic, not pointer subtraction). */
        const intptr_t pad = (intptr_t)((uintptr_t)params->pad_pixel - (uintptr_t)image);
        int8_t *out = output + (size_t)b * (size_t)out_h * (size_t)out_w * (size_t)out_c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const int rows_inside = y0 >= 0 && y0 + span_h < in_h;
            int32_t ky0, ky1;
            tb_dw_axis(y0, dh, k_h, in_h, &ky0, &ky1);
            for (int32_t ox = 0; ox < out_w; ox++, out += out_c) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                tb_dw_taps_t tp;
                int compact = 0;
                if (rows_inside && x0 >= 0 && x0 + span_w < in_w) {
                    /* The row's run of interior pixels: one call. */
                    int32_t run = (in_w - 1 - span_w - x0) / params->stride.w + 1;
                    run = run < out_w - ox ? run : out_w - ox;
                    tp = (tb_dw_taps_t){image + ((size_t)y0 * (size_t)in_w + (size_t)x0) * (size_t)in_c, inner,
                                        NULL, taps, run, params->stride.w * in_c};
                    if (mult) {
                        tb_dw_pixel_mult(&job, &tp, out);
                    } else {
                        tb_dw_pixel_m1(&job, &tp, out);
                    }
                    ox += run - 1;
                    out += (size_t)(run - 1) * (size_t)out_c;
                    continue;
                } else {
                    int32_t kx0, kx1;
                    tb_dw_axis(x0, dw, k_w, in_w, &kx0, &kx1);
                    const int32_t inside = (ky1 - ky0) * (kx1 - kx0);
                    /* Fewer than 3 taps in 4 inside: the compact form skips the rest. */
                    compact = 4 * inside < 3 * taps;
                    if (compact) {
                        int32_t i = 0;
                        for (int32_t ky = ky0; ky < ky1; ky++) {
                            const int32_t y = y0 + ky * dh;
                            for (int32_t kx = kx0; kx < kx1; kx++, i++) {
                                border[i] = (intptr_t)(y * in_w + x0 + kx * dw) * in_c;
                                tapw[i] = ky * k_w + kx;
                            }
                        }
                        tp = (tb_dw_taps_t){image, border, tapw, inside, 1, 0};
                    } else {
                        for (int32_t t = 0; t < taps; t++) {
                            border[t] = pad;
                        }
                        for (int32_t ky = ky0; ky < ky1; ky++) {
                            const int32_t y = y0 + ky * dh;
                            for (int32_t kx = kx0; kx < kx1; kx++) {
                                border[ky * k_w + kx] = (intptr_t)(y * in_w + x0 + kx * dw) * in_c;
                            }
                        }
                        tp = (tb_dw_taps_t){image, border, NULL, taps, 1, 0};
                    }
                }
                if (mult) {
                    if (compact) {
                        tb_dw_pixel_mult_compact(&job, &tp, out);
                    } else {
                        tb_dw_pixel_mult(&job, &tp, out);
                    }
                } else if (compact) {
                    tb_dw_pixel_m1_compact(&job, &tp, out);
                } else {
                    tb_dw_pixel_m1(&job, &tp, out);
                }
            }
        }
    }
}

tb_status_t tb_depthwise_conv2d_s8_dsp(const tb_depthwise_conv_dsp_params_t *params,
                                       const int32_t *requant,
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
    if (params->pad_pixel != NULL && params->filter.h * params->filter.w <= TB_DW_MAX_TAPS) {
        tb_dw_offsets_layer(params, requant, input_dims, input, filter, output_dims, output);
        return TB_OK;
    }
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t span_h = (params->filter.h - 1) * params->dilation.h;
    const int32_t span_w = (params->filter.w - 1) * params->dilation.w;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + (size_t)b * (size_t)in_h * (size_t)in_w * (size_t)in_c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const int rows_inside = y0 >= 0 && y0 + span_h < in_h;
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                int8_t *out = output + (((size_t)b * (size_t)out_h + (size_t)oy) * (size_t)out_w + (size_t)ox) * (size_t)out_c;
                if (params->depth_multiplier > 1) {
                    tb_dw_multiplier(params, requant, image, in_h, in_w, in_c, y0, x0, filter, out);
                } else if (rows_inside && x0 >= 0 && x0 + span_w < in_w) {
                    const int8_t *origin = image + ((size_t)y0 * (size_t)in_w + (size_t)x0) * (size_t)in_c;
                    tb_dw_pixel_interior(params, requant, origin, in_w, in_c, filter, out);
                } else {
                    tb_dw_pixel_border(params, requant, image, in_h, in_w, in_c, y0, x0, filter, out);
                }
            }
        }
    }
    return TB_OK;
}
