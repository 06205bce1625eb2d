/* Building blocks shared by the optimized DEPTHWISE_CONV_2D kernels. */
#ifndef TB_DEPTHWISE_CONV2D_DSP_COMMON_H
#define TB_DEPTHWISE_CONV2D_DSP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_isa.h"
#include "common/tb_requant.h"
#include "depthwise_conv2d/tb_depthwise_conv2d_dsp.h"

static inline tb_status_t tb_dw_dsp_check(const tb_depthwise_conv_dsp_params_t *params,
                                          const int32_t *requant, const tb_dims_t *input_dims,
                                          const int8_t *input, const int16_t *filter,
                                          const tb_dims_t *output_dims, const int8_t *output)
{
    if (params == NULL || requant == NULL || input_dims == NULL || input == NULL || filter == NULL ||
        output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (!tb_dims_positive(input_dims) || !tb_dims_positive(output_dims) ||
        input_dims->n != output_dims->n || params->depth_multiplier < 1 ||
        output_dims->c != input_dims->c * params->depth_multiplier ||
        !tb_window_valid(&params->stride, &params->padding, &params->dilation) ||
        params->filter.h < 1 || params->filter.w < 1 ||
        params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    return TB_OK;
}

/* Up to 4 bytes of one pixel's channels as a word; missing channels read as 0. */
TB_ALWAYS_INLINE uint32_t tb_dw_load_group(const int8_t *p, int32_t n)
{
    if (n >= 4) {
        return tb_read_u32(p);
    }
    uint32_t v = 0;
    for (int32_t i = 0; i < n; i++) {
        v |= (uint32_t)(uint8_t)p[i] << (8 * i);
    }
    return v;
}

/* Four channels of one tap: acc[c] += w[c] * x[c] with the [c0, c2, c1, c3] filter layout. */
#define TB_DW_TAP4(x, w, a0, a1, a2, a3)                     \
    do {                                                     \
        const uint32_t x02_ = tb_sxtb16(x);                  \
        const uint32_t x13_ = tb_sxtb16_ror8(x);             \
        uint32_t w02_, w13_;                                 \
        tb_read_w2((w), &w02_, &w13_);                       \
        a0 = tb_smlabb(x02_, w02_, a0);                      \
        a2 = tb_smlatt(x02_, w02_, a2);                      \
        a1 = tb_smlabb(x13_, w13_, a1);                      \
        a3 = tb_smlatt(x13_, w13_, a3);                      \
    } while (0)

/* The same with the input offset added to every lane first (border outputs). */
#define TB_DW_TAP4_OFFSET(x, off2, w, a0, a1, a2, a3)        \
    do {                                                     \
        const uint32_t x02_ = tb_sadd16(tb_sxtb16(x), off2); \
        const uint32_t x13_ = tb_sadd16(tb_sxtb16_ror8(x), off2); \
        uint32_t w02_, w13_;                                 \
        tb_read_w2((w), &w02_, &w13_);                       \
        a0 = tb_smlabb(x02_, w02_, a0);                      \
        a2 = tb_smlatt(x02_, w02_, a2);                      \
        a1 = tb_smlabb(x13_, w13_, a1);                      \
        a3 = tb_smlatt(x13_, w13_, a3);                      \
    } while (0)

/* Requantize, clamp and store up to 4 channels of one output pixel. */
TB_ALWAYS_INLINE int32_t tb_dw_finish(int32_t acc2, const int32_t *rq, const tb_depthwise_conv_dsp_params_t *params)
{
    const int32_t v = tb_requant_row(acc2, rq);
    return params->clamp ? tb_clamp_act(v, params->activation.min, params->activation.max) : v;
}

TB_ALWAYS_INLINE void tb_dw_store4(int8_t *out, const int32_t *rq, int32_t n, int32_t a0, int32_t a1,
                                   int32_t a2, int32_t a3, const tb_depthwise_conv_dsp_params_t *params)
{
    out[0] = (int8_t)tb_dw_finish(a0, rq, params);
    if (n > 1) {
        out[1] = (int8_t)tb_dw_finish(a1, rq + TB_RQ_WORDS, params);
    }
    if (n > 2) {
        out[2] = (int8_t)tb_dw_finish(a2, rq + 2 * TB_RQ_WORDS, params);
    }
    if (n > 3) {
        out[3] = (int8_t)tb_dw_finish(a3, rq + 3 * TB_RQ_WORDS, params);
    }
}

/* The full groups of one output pixel of the 3x3 variant with packed constants, through the
 * hand-written tb_dw3x3_pixel_s8 (depthwise_conv2d_3x3_pixel_s8_dsp.c). Field offsets are fixed. */
typedef struct {
    const int8_t *taps[9];  /*  0: each tap's input pixel (the pad pixel in the padding) */
    const int16_t *w;       /* 36: the filter's first group */
    const int32_t *packed;  /* 40: tb_depthwise_conv_dsp_params_t.packed */
    int8_t *out;            /* 44: the pixel's first output channel */
    int32_t groups;         /* 48: full groups, >= 1 */
    uint32_t lo4;           /* 52: activation minimum in every byte */
    uint32_t hi4;           /* 56: activation maximum in every byte */
    int32_t pixels;         /* 60: output pixels in a row, >= 1 (more than one: channels % 4 == 0) */
    int32_t step;           /* 64: bytes every tap moves from one pixel to the next */
} tb_dw3x3_job_t;

void tb_dw3x3_pixel_s8(const tb_dw3x3_job_t *job);

/* The full groups of `pixels` adjacent output pixels (taps `step` bytes apart) through
 * tb_dw3x3_pixel_s8; returns the channels it did per pixel. */
TB_ALWAYS_INLINE int32_t tb_dw3x3_full_groups(tb_dw3x3_job_t *job, const int16_t *filter, int8_t *out,
                                              int32_t channels, int32_t pixels, int32_t step,
                                              const tb_depthwise_conv_dsp_params_t *params)
{
    const int32_t full = channels & ~3;
    if (params->packed == NULL || full == 0) {
        return 0;
    }
    job->w = filter;
    job->packed = params->packed;
    job->out = out;
    job->groups = full / 4;
    job->lo4 = tb_bytes4(params->activation.min);
    job->hi4 = tb_bytes4(params->activation.max);
    job->pixels = pixels;
    job->step = step;
    tb_dw3x3_pixel_s8(job);
    return full;
}

/* One output pixel, depth multiplier 1, every group of 4 channels; taps outside the input are
 * skipped and the offset is added per tap (any geometry). */
__attribute__((optimize("no-schedule-insns"))) static inline void tb_dw_pixel_border(const tb_depthwise_conv_dsp_params_t *params, const int32_t *requant,
                                      const int8_t *input, int32_t in_h, int32_t in_w, int32_t channels,
                                      int32_t y0, int32_t x0, const int16_t *filter, int8_t *out)
{
    const int32_t k_h = params->filter.h, k_w = params->filter.w;
    const int32_t dh = params->dilation.h, dw = params->dilation.w;
    const int32_t taps = k_h * k_w;
    const uint32_t off2 = ((uint32_t)params->input_offset & 0xFFFFu) * 0x10001u;
    /* The in-bounds taps: ky0..ky1-1, kx0..kx1-1. */
    const int32_t ky0 = y0 >= 0 ? 0 : (-y0 + dh - 1) / dh;
    const int32_t kx0 = x0 >= 0 ? 0 : (-x0 + dw - 1) / dw;
    int32_t ky1 = k_h, kx1 = k_w;
    while (ky1 > ky0 && y0 + (ky1 - 1) * dh >= in_h) {
        ky1--;
    }
    while (kx1 > kx0 && x0 + (kx1 - 1) * dw >= in_w) {
        kx1--;
    }
    const size_t c = (size_t)channels;
    const int8_t *first = input + ((size_t)(y0 + ky0 * dh) * (size_t)in_w + (size_t)(x0 + kx0 * dw)) * c;
    const size_t row_step = (size_t)dh * (size_t)in_w * c, col_step = (size_t)dw * c;
    for (int32_t g = 0; g < channels; g += 4) {
        const int32_t n = channels - g < 4 ? channels - g : 4;
        const int32_t *rq = requant + (size_t)g * TB_RQ_WORDS;
        /* The requant table is padded to a multiple of 4 channels. */
        int32_t a0 = rq[TB_RQ_RAW_BIAS];
        int32_t a1 = rq[TB_RQ_WORDS + TB_RQ_RAW_BIAS];
        int32_t a2 = rq[2 * TB_RQ_WORDS + TB_RQ_RAW_BIAS];
        int32_t a3 = rq[3 * TB_RQ_WORDS + TB_RQ_RAW_BIAS];
        const int16_t *w = filter + (size_t)(g / 4) * (size_t)taps * 4 + (size_t)(ky0 * k_w) * 4;
        const int8_t *row = first + g;
        for (int32_t ky = ky0; ky < ky1; ky++) {
            const int8_t *p = row;
            const int16_t *wt = w + (size_t)kx0 * 4;
            for (int32_t kx = kx0; kx < kx1; kx++) {
                const uint32_t v = tb_dw_load_group(p, n);
                TB_DW_TAP4_OFFSET(v, off2, wt, a0, a1, a2, a3);
                p += col_step;
                wt += 4;
            }
            row += row_step;
            w += (size_t)k_w * 4;
        }
        tb_dw_store4(out + g, rq, n, a0, a1, a2, a3, params);
    }
}

/* Filter indices k in [*first, *end) whose input coordinate start + k x step lies in [0, size):
 * the taps inside the input along one axis (no division for unit steps or when the last tap is
 * inside, the common cases at the borders). */
static inline void tb_dw_axis(int32_t start, int32_t step, int32_t k_n, int32_t size, int32_t *first, int32_t *end)
{
    int32_t k0 = 0, k1 = k_n;
    if (start < 0) {
        k0 = step == 1 ? -start : (-start + step - 1) / step;
        k0 = k0 > k_n ? k_n : k0;
    }
    if (start + (k_n - 1) * step >= size) {
        const int32_t room = size - start;
        k1 = room <= 0 ? 0 : (step == 1 ? room : (room + step - 1) / step);
    }
    *first = k0;
    *end = k1 > k0 ? k1 : k0;
}

#endif /* TB_DEPTHWISE_CONV2D_DSP_COMMON_H */
