/* int8 CONV_2D, optimized im2col form over pixel pairs (one group, any depth, kernel size,
 * stride, dilation, padding): the receptive fields of two consecutive output pixels are
 * written, widened to int16 pairs and interleaved, into one arena scratch of
 * TB_PAIR_QUAD_BYTES per quad (common/tb_dsp_gemm_pairs.h), then every full group of 4 filters
 * runs the hand-scheduled pair GEMM, which loads each weight word once for both pixels; the last
 * 1-3 filters run in C on the same rows. Weights and folded bias are those of tb_conv2d_s8_dsp's
 * im2col form. Bit-exact with tb_conv2d_s8. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/tb_dsp_gemm.h"
#include "common/tb_dsp_gemm_pairs.h"
#include "conv2d/conv2d_dsp_common.h"
#include "conv2d/tb_conv2d.h"

/* `words` input words from src into one pixel's lane of the pair rows at dst (4 words per quad:
 * the pair (k0, k2) at dst[0], (k1, k3) at dst[2]); returns dst past them. */
static inline uint32_t *tb_pair_expand(uint32_t *dst, const int8_t *src, int32_t words)
{
#if defined(__ARM_FEATURE_DSP) && defined(__thumb2__)
    /* 4 words per step with the loads and the stores each back to back (a load or store right
     * after another costs 1 cycle): ~28 cycles per 16 bytes where compiled C interleaved them. */
    int32_t steps = words >> 2;
    if (steps > 0) {
        uint32_t v0, v1, v2, v3, a0, a1, a2, a3;
        __asm__ volatile(
            "1:\n\t"
            "ldr     %[v0], [%[s]], #4\n\t"
            "ldr     %[v1], [%[s]], #4\n\t"
            "ldr     %[v2], [%[s]], #4\n\t"
            "ldr     %[v3], [%[s]], #4\n\t"
            "sxtb16  %[a0], %[v0]\n\t"
            "sxtb16  %[v0], %[v0], ror #8\n\t"
            "sxtb16  %[a1], %[v1]\n\t"
            "sxtb16  %[v1], %[v1], ror #8\n\t"
            "sxtb16  %[a2], %[v2]\n\t"
            "sxtb16  %[v2], %[v2], ror #8\n\t"
            "sxtb16  %[a3], %[v3]\n\t"
            "sxtb16  %[v3], %[v3], ror #8\n\t"
            "str     %[a0], [%[d]]\n\t"
            "str     %[v0], [%[d], #8]\n\t"
            "str     %[a1], [%[d], #16]\n\t"
            "str     %[v1], [%[d], #24]\n\t"
            "str     %[a2], [%[d], #32]\n\t"
            "str     %[v2], [%[d], #40]\n\t"
            "str     %[a3], [%[d], #48]\n\t"
            "str     %[v3], [%[d], #56]\n\t"
            "adds    %[d], %[d], #64\n\t"
            "subs    %[n], %[n], #1\n\t"
            "bne     1b\n\t"
            : [s] "+r"(src), [d] "+r"(dst), [n] "+r"(steps), [v0] "=&r"(v0), [v1] "=&r"(v1), [v2] "=&r"(v2),
              [v3] "=&r"(v3), [a0] "=&r"(a0), [a1] "=&r"(a1), [a2] "=&r"(a2), [a3] "=&r"(a3)
            :
            : "cc", "memory");
        words &= 3;
    }
#endif
    for (; words >= 2; words -= 2, src += 8, dst += 8) {
        const uint32_t v0 = tb_read_u32(src), v1 = tb_read_u32(src + 4);
        dst[0] = tb_sxtb16(v0);
        dst[2] = tb_sxtb16_ror8(v0);
        dst[4] = tb_sxtb16(v1);
        dst[6] = tb_sxtb16_ror8(v1);
    }
    if (words > 0) {
        const uint32_t v = tb_read_u32(src);
        dst[0] = tb_sxtb16(v);
        dst[2] = tb_sxtb16_ror8(v);
        dst += 4;
    }
    return dst;
}

/* `words` quads of the pad pair (the input zero point, whose offset-folded product is zero). */
static inline uint32_t *tb_pair_fill(uint32_t *dst, uint32_t pad2, int32_t words)
{
    for (; words > 0; words--, dst += 4) {
        dst[0] = pad2;
        dst[2] = pad2;
    }
    return dst;
}

/* Depths of whole quads: the receptive field of the output pixel at (y0, x0) into the lane
 * starting at dst, widened on the way: per filter
 * row the taps in the padding get the pad pair, the others their input words (one run per row
 * when the row has no dilation and lies inside the image). */
static void tb_pair_field(const tb_conv_params_t *params, const int8_t *image, int32_t in_h, int32_t in_w,
                          int32_t in_c, int32_t k_h, int32_t k_w, int32_t y0, int32_t x0, uint32_t *dst)
{
    const int8_t pad = (int8_t)(-params->input_offset);
    const uint32_t pad2 = (uint32_t)(uint16_t)(int16_t)pad * 0x00010001u;
    const int32_t dh = params->dilation.h, dw = params->dilation.w;
    const int32_t tap_words = in_c / 4, row_words = k_w * tap_words;
    const size_t pixel = (size_t)in_c, image_row = (size_t)in_w * pixel;
    const int row_inside = (dw == 1 || k_w == 1) && x0 >= 0 && x0 + k_w <= in_w;
    for (int32_t ky = 0, y = y0; ky < k_h; ky++, y += dh) {
        if (y < 0 || y >= in_h) {
            dst = tb_pair_fill(dst, pad2, row_words);
            continue;
        }
        const int8_t *src = image + (size_t)y * image_row;
        if (row_inside) {
            dst = tb_pair_expand(dst, src + (size_t)x0 * pixel, row_words);
            continue;
        }
        for (int32_t kx = 0, x = x0; kx < k_w; kx++, x += dw) {
            if (x < 0 || x >= in_w) {
                dst = tb_pair_fill(dst, pad2, tap_words);
            } else {
                dst = tb_pair_expand(dst, src + (size_t)x * pixel, tap_words);
            }
        }
    }
}

/* Other depths: the field's bytes, in order, into one pixel's lane as raw int8 words (byte k of
 * the field at 16 x (k / 4) + k % 4 from the lane's start), widened in place afterwards
 * (tb_pair_widen). A run starts anywhere in a quad: bytes up to the next quad, then words. */
typedef struct {
    uint8_t *lane; /* the lane's first byte: the pair rows + 4 x pixel */
    size_t k;      /* bytes of the field written so far */
} tb_pair_stream_t;

static void tb_pair_stream_copy(tb_pair_stream_t *s, const int8_t *src, size_t n)
{
    size_t k = s->k;
    for (; (k & 3u) != 0 && n > 0; k++, n--) {
        s->lane[4 * (k & ~(size_t)3) + (k & 3u)] = (uint8_t)*src++;
    }
    for (; n >= 4; k += 4, n -= 4, src += 4) {
        const uint32_t v = tb_read_u32(src);
        memcpy(s->lane + 4 * k, &v, sizeof v);
    }
    for (; n > 0; k++, n--) {
        s->lane[4 * (k & ~(size_t)3) + (k & 3u)] = (uint8_t)*src++;
    }
    s->k = k;
}

static void tb_pair_stream_fill(tb_pair_stream_t *s, uint8_t pad, size_t n)
{
    size_t k = s->k;
    for (; (k & 3u) != 0 && n > 0; k++, n--) {
        s->lane[4 * (k & ~(size_t)3) + (k & 3u)] = pad;
    }
    const uint32_t v = pad * 0x01010101u;
    for (; n >= 4; k += 4, n -= 4) {
        memcpy(s->lane + 4 * k, &v, sizeof v);
    }
    for (; n > 0; k++, n--) {
        s->lane[4 * (k & ~(size_t)3) + (k & 3u)] = pad;
    }
    s->k = k;
}

/* The receptive field of the output pixel at (y0, x0) as raw int8 into its lane; the last quad
 * is completed with zeros (their weights are zero). */
static void tb_pair_field_raw(const tb_conv_params_t *params, const int8_t *image, int32_t in_h, int32_t in_w,
                              int32_t in_c, int32_t k_h, int32_t k_w, int32_t y0, int32_t x0, uint8_t *lane)
{
    tb_pair_stream_t s = {lane, 0};
    const uint8_t pad = (uint8_t)(int8_t)(-params->input_offset);
    const int32_t dh = params->dilation.h, dw = params->dilation.w;
    const size_t pixel = (size_t)in_c, image_row = (size_t)in_w * pixel;
    const int row_inside = (dw == 1 || k_w == 1) && x0 >= 0 && x0 + k_w <= in_w;
    for (int32_t ky = 0, y = y0; ky < k_h; ky++, y += dh) {
        if (y < 0 || y >= in_h) {
            tb_pair_stream_fill(&s, pad, (size_t)k_w * pixel);
            continue;
        }
        const int8_t *src = image + (size_t)y * image_row;
        if (row_inside) {
            tb_pair_stream_copy(&s, src + (size_t)x0 * pixel, (size_t)k_w * pixel);
            continue;
        }
        for (int32_t kx = 0, x = x0; kx < k_w; kx++, x += dw) {
            if (x < 0 || x >= in_w) {
                tb_pair_stream_fill(&s, pad, pixel);
            } else {
                tb_pair_stream_copy(&s, src + (size_t)x * pixel, pixel);
            }
        }
    }
    tb_pair_stream_fill(&s, 0, (4u - (s.k & 3u)) & 3u);
}

/* Both lanes' raw words (quad q: pixel 0's at word 4q, pixel 1's at 4q + 1) widened in place into
 * the pair rows. */
static void tb_pair_widen(uint32_t *rows, int32_t quads)
{
    for (; quads > 0; quads--, rows += 4) {
        const uint32_t v0 = rows[0], v1 = rows[1];
        rows[0] = tb_sxtb16(v0);
        rows[1] = tb_sxtb16(v1);
        rows[2] = tb_sxtb16_ror8(v0);
        rows[3] = tb_sxtb16_ror8(v1);
    }
}

/* Both pixels of the pair rows against every filter: out (pixel 0) and out + delta (pixel 1;
 * delta 0 for a lone pixel, whose lanes hold the same field). */
static void tb_pair_gemm(const uint32_t *rows, int32_t quads, const int16_t *filter, int32_t out_c,
                         const tb_dsp_requant_t *rq, const tb_conv_params_t *params, int8_t *out, int32_t delta)
{
    const int32_t full = out_c & ~3;
    const size_t group_weights = (size_t)quads * 16;
    int32_t c = 0;
    if (rq->packed != NULL && full > 0) {
        const tb_dsp_pair_job_t job = {
            .x = rows, .w = filter, .packed = rq->packed, .out = out, .out_delta = delta, .quads = quads,
            .groups = full / 4, .lo4 = tb_bytes4(params->activation.min), .hi4 = tb_bytes4(params->activation.max),
        };
        tb_dsp_gemm_pair_s8(&job);
        c = full;
    }
    for (; c < out_c; c += 4) { /* groups without packed constants, then the last 1-3 filters */
        const int16_t *wg = filter + (size_t)(c / 4) * group_weights;
        const int32_t count = out_c - c < 4 ? out_c - c : 4;
        int32_t a[4], b[4];
        for (int32_t lane = 0; lane < count; lane++) {
            tb_pair_dot_lane(rows, wg, lane, quads, rq->bias[c + lane], &a[lane], &b[lane]);
        }
        tb_dsp_store_group(a, rq, c, count, params->output_offset, &params->activation, out + c);
        tb_dsp_store_group(b, rq, c, count, params->output_offset, &params->activation, out + delta + c);
    }
}

tb_status_t tb_conv2d_pairs_s8_dsp(uint32_t *scratch,
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
    if (scratch == NULL || ((uintptr_t)scratch & 3u) != 0 || !tb_requant_shifts_valid(rq, out_c)) {
        return TB_ERR_ARG;
    }
    const int32_t quads = (k_h * k_w * in_c + 3) / 4;
    const int whole = (in_c & 3) == 0; /* every tap on a quad: widen while copying */
    int8_t *out = output;
    int32_t lane = 0, last_y = 0, last_x = 0;
    const int8_t *last_image = input;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + tb_nhwc_offset(in_h, in_w, in_c, b, 0, 0, 0);
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                if (whole) {
                    tb_pair_field(params, image, in_h, in_w, in_c, k_h, k_w, y0, x0, scratch + lane);
                } else {
                    tb_pair_field_raw(params, image, in_h, in_w, in_c, k_h, k_w, y0, x0,
                                      (uint8_t *)(scratch + lane));
                }
                if (lane == 1) {
                    if (!whole) {
                        tb_pair_widen(scratch, quads);
                    }
                    tb_pair_gemm(scratch, quads, filter, out_c, rq, params, out, out_c);
                    out += 2 * (size_t)out_c;
                    lane = 0;
                } else {
                    lane = 1;
                    last_image = image;
                    last_y = y0;
                    last_x = x0;
                }
            }
        }
    }
    if (lane == 1) { /* a lone last pixel: its field in both lanes, its outputs stored twice */
        if (whole) {
            tb_pair_field(params, last_image, in_h, in_w, in_c, k_h, k_w, last_y, last_x, scratch + 1);
        } else {
            tb_pair_field_raw(params, last_image, in_h, in_w, in_c, k_h, k_w, last_y, last_x,
                              (uint8_t *)(scratch + 1));
            tb_pair_widen(scratch, quads);
        }
        tb_pair_gemm(scratch, quads, filter, out_c, rq, params, out, 0);
    }
    return TB_OK;
}
