/* Optimized int8 DEPTHWISE_CONV_2D, 3x3 filter, depth multiplier 1, dilation 1 (fast variant).
 *
 * Interior outputs (the whole 3x3 window inside the input) run nine unrolled taps over four
 * channels at a time (SXTB16 + SMLABB/SMLATT) with the input offset already folded into the
 * bias; border outputs take the general per-tap path. Bit-exact with tb_depthwise_conv2d_s8.
 */
#include <stddef.h>

#include "depthwise_conv2d/depthwise_conv2d_dsp_common.h"

/* The nine tap pointers of the window whose top-left input pixel is at origin. */
static inline void tb_dw3x3_window_taps(tb_dw3x3_job_t *job, const int8_t *origin, size_t row, size_t c)
{
    for (int32_t t = 0; t < 9; t++) {
        job->taps[t] = origin + (size_t)(t / 3) * row + (size_t)(t % 3) * c;
    }
}

/* One interior output pixel in C (the variant without packed constants, and partial groups). */
__attribute__((optimize("no-schedule-insns"))) static void tb_dw3x3_interior(const int32_t *requant, const int8_t *origin, int32_t in_w, int32_t channels,
                              const int16_t *filter, int8_t *out, const tb_depthwise_conv_dsp_params_t *params)
{
    const size_t c = (size_t)channels;
    const size_t row = (size_t)in_w * c;
    const int32_t full = channels & ~3;
    const int32_t *rq = requant;
    const int16_t *w = filter;
    int32_t g = 0;
    if (params->packed != NULL && full > 0) {
        tb_dw3x3_job_t job;
        tb_dw3x3_window_taps(&job, origin, row, c);
        g = tb_dw3x3_full_groups(&job, filter, out, channels, 1, 0, params);
        rq += (size_t)g * TB_RQ_WORDS;
        w += (size_t)(g / 4) * 36;
    }
    const int8_t *p0 = origin + g;
    for (; g < full; g += 4, p0 += 4) {
        /* Opaque copies stop the compiler from keeping nine tap pointers (and spilling them):
         * three row pointers and LDR with a register offset are enough. */
        size_t c1 = c, r1 = row;
        __asm__("" : "+r"(c1), "+r"(r1));
        const int8_t *p1 = p0 + r1;
        const int8_t *p2 = p1 + r1;
        int32_t a0 = rq[TB_RQ_BIAS];
        int32_t a1 = rq[TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a2 = rq[2 * TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a3 = rq[3 * TB_RQ_WORDS + TB_RQ_BIAS];
        TB_DW_TAP4(tb_read_u32(p0), w, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(p0 + c1), w + 4, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(p0 + 2 * c1), w + 8, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(p1), w + 12, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(p1 + c1), w + 16, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(p1 + 2 * c1), w + 20, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(p2), w + 24, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(p2 + c1), w + 28, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(p2 + 2 * c1), w + 32, a0, a1, a2, a3);
        tb_dw_store4(out + g, rq, 4, a0, a1, a2, a3, params);
        rq += 4 * TB_RQ_WORDS;
        w += 36;
    }
    if (g < channels) {
        const int32_t n = channels - g;
        int32_t a0 = rq[TB_RQ_BIAS];
        int32_t a1 = rq[TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a2 = rq[2 * TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a3 = rq[3 * TB_RQ_WORDS + TB_RQ_BIAS];
        for (int32_t ky = 0; ky < 3; ky++) {
            for (int32_t kx = 0; kx < 3; kx++) {
                const uint32_t v = tb_dw_load_group(origin + (size_t)ky * row + (size_t)kx * c + g, n);
                TB_DW_TAP4(v, w, a0, a1, a2, a3);
                w += 4;
            }
        }
        tb_dw_store4(out + g, rq, n, a0, a1, a2, a3, params);
    }
}

/* Any output pixel through nine tap pointers (taps in the padding point at the pad pixel). */
__attribute__((optimize("no-schedule-insns"))) static void tb_dw3x3_taps(
    const int32_t *requant, const int8_t *const taps[9], int32_t channels, const int16_t *filter, int8_t *out,
    const tb_depthwise_conv_dsp_params_t *params)
{
    const int32_t *rq = requant;
    const int16_t *w = filter;
    const int32_t full = channels & ~3;
    int32_t g = 0;
    if (params->packed != NULL && full > 0) {
        tb_dw3x3_job_t job;
        for (int32_t t = 0; t < 9; t++) {
            job.taps[t] = taps[t];
        }
        g = tb_dw3x3_full_groups(&job, filter, out, channels, 1, 0, params);
        rq += (size_t)g * TB_RQ_WORDS;
        w += (size_t)(g / 4) * 36;
    }
    /* Full groups: nine unrolled taps, no loop branch or group-size test per tap. */
    for (; g < full; g += 4) {
        int32_t a0 = rq[TB_RQ_BIAS];
        int32_t a1 = rq[TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a2 = rq[2 * TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a3 = rq[3 * TB_RQ_WORDS + TB_RQ_BIAS];
        TB_DW_TAP4(tb_read_u32(taps[0] + g), w, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(taps[1] + g), w + 4, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(taps[2] + g), w + 8, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(taps[3] + g), w + 12, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(taps[4] + g), w + 16, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(taps[5] + g), w + 20, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(taps[6] + g), w + 24, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(taps[7] + g), w + 28, a0, a1, a2, a3);
        TB_DW_TAP4(tb_read_u32(taps[8] + g), w + 32, a0, a1, a2, a3);
        tb_dw_store4(out + g, rq, 4, a0, a1, a2, a3, params);
        rq += 4 * TB_RQ_WORDS;
        w += 36;
    }
    if (g < channels) {
        const int32_t n = channels - g;
        int32_t a0 = rq[TB_RQ_BIAS];
        int32_t a1 = rq[TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a2 = rq[2 * TB_RQ_WORDS + TB_RQ_BIAS];
        int32_t a3 = rq[3 * TB_RQ_WORDS + TB_RQ_BIAS];
        for (int32_t t = 0; t < 9; t++) {
            const uint32_t v = tb_dw_load_group(taps[t] + g, n);
            TB_DW_TAP4(v, w, a0, a1, a2, a3);
            w += 4;
        }
        tb_dw_store4(out + g, rq, n, a0, a1, a2, a3, params);
    }
}

tb_status_t tb_depthwise_conv2d_3x3_s8_dsp(const tb_depthwise_conv_dsp_params_t *params,
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
    if (params->depth_multiplier != 1 || params->filter.h != 3 || params->filter.w != 3 ||
        params->dilation.h != 1 || params->dilation.w != 1) {
        return TB_ERR_NO_IMPL;
    }
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    const size_t pixel = (size_t)in_c;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + (size_t)b * (size_t)in_h * (size_t)in_w * pixel;
        int8_t *out = output + (size_t)b * (size_t)out_h * (size_t)out_w * pixel;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const int rows_inside = y0 >= 0 && y0 + 2 < in_h;
            for (int32_t ox = 0; ox < out_w; ox++, out += pixel) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                const int8_t *origin = image + ((size_t)y0 * (size_t)in_w + (size_t)x0) * pixel;
                if (rows_inside && x0 >= 0 && x0 + 2 < in_w && params->packed != NULL && (in_c & 3) == 0) {
                    /* The row's run of interior pixels: one call to the hand-written routine. */
                    int32_t run = 1;
                    while (ox + run < out_w && x0 + run * params->stride.w + 2 < in_w) {
                        run++;
                    }
                    tb_dw3x3_job_t job;
                    tb_dw3x3_window_taps(&job, origin, (size_t)in_w * pixel, pixel);
                    tb_dw3x3_full_groups(&job, filter, out, in_c, run, params->stride.w * in_c, params);
                    ox += run - 1;
                    out += (size_t)(run - 1) * pixel;
                } else if (rows_inside && x0 >= 0 && x0 + 2 < in_w) {
                    tb_dw3x3_interior(requant, origin, in_w, in_c, filter, out, params);
                } else if (params->pad_pixel != NULL) {
                    const int8_t *taps[9];
                    for (int32_t ky = 0; ky < 3; ky++) {
                        for (int32_t kx = 0; kx < 3; kx++) {
                            const int32_t y = y0 + ky, x = x0 + kx;
                            const int inside = y >= 0 && y < in_h && x >= 0 && x < in_w;
                            taps[ky * 3 + kx] = inside ? image + ((size_t)y * (size_t)in_w + (size_t)x) * pixel
                                                       : params->pad_pixel;
                        }
                    }
                    tb_dw3x3_taps(requant, taps, in_c, filter, out, params);
                } else {
                    tb_dw_pixel_border(params, requant, image, in_h, in_w, in_c, y0, x0, filter, out);
                }
            }
        }
    }
    return TB_OK;
}
