/* Optimized int8 AVERAGE_POOL_2D: four channels per step in 16-bit lanes (SXTAB16). */
#include <stddef.h>
#include <string.h>

#include "common/tb_isa.h"
#include "common/tb_requant.h"
#include "pooling/pooling_common.h"
#include "pooling/tb_pooling_dsp.h"

/* The divisor of one window: TFLM's rounded division of a sum by `count` (1..255): for a sum
 * acc, (acc + count / 2) / count if acc > 0, else (acc - count / 2) / count, truncated toward zero.
 * That is floor((acc + bias) / count) with bias = count / 2 for acc >= 0 and (count - 1) / 2
 * below (ties of an even count go toward zero's other side: away from zero). Shifted by
 * 128 * count, n = acc + 128 * count + bias lies in 0..2^16 - 1 (|acc| <= 128 * count,
 * count <= 255), and floor(n / count) = (n * recip) >> 32 with recip = ceil(2^32 / count): the
 * error n * (recip * count - 2^32) / 2^32 < 2^16 * count / 2^32 < 1 / count. The quotient minus
 * 128 is the result, 0..255 as unsigned, so its int8 byte is the quotient's low byte ^ 0x80.
 * A count of 1 (recip 2^32 does not fit) is the identity: floor(n / 1) = n. */
typedef struct {
    uint32_t bias2;  /* (128 * count + count / 2) in both 16-bit lanes */
    uint32_t even2;  /* 1 in both lanes for an even count (a negative sum's bias is one less), else 0 */
    uint32_t recip;  /* ceil(2^32 / count); 0 for a count of 1 */
} tb_avg_divisor_t;

TB_ALWAYS_INLINE tb_avg_divisor_t tb_avg_divisor(int32_t count)
{
    const uint32_t n = (uint32_t)count;
    const tb_avg_divisor_t d = {
        (128u * n + n / 2u) * 0x00010001u,
        (n & 1u) ? 0u : 0x00010001u,
        0xFFFFFFFFu / n + 1u, /* ceil(2^32 / n) = floor((2^32 - 1) / n) + 1; wraps to 0 for n = 1 */
    };
    return d;
}

/* floor(n / count) for one lane's n. */
TB_ALWAYS_INLINE uint32_t tb_avg_quotient(uint32_t n, tb_avg_divisor_t d)
{
    return (uint32_t)(((uint64_t)n * d.recip) >> 32);
}

/* Four channels' sums (bytes 0 and 2 of the words added in s02's lanes, 1 and 3 in s13's) to
 * their four int8 results, bytes 0..3 of one word, clamped. */
TB_ALWAYS_INLINE uint32_t tb_avg_finish4(uint32_t s02, uint32_t s13, tb_avg_divisor_t d, uint32_t lo4, uint32_t hi4)
{
    /* The sign bit of each lane (bit 15, bit 31) to that lane's bit 0: a negative sum's bias is
     * one less when the count is even. No lane of bias2 - t borrows (each is at least 128). */
    const uint32_t n02 = tb_sadd16(s02, d.bias2 - ((s02 >> 15) & d.even2));
    const uint32_t n13 = tb_sadd16(s13, d.bias2 - ((s13 >> 15) & d.even2));
    uint32_t w;
    if (d.recip == 0u) { /* count 1: every lane is already its quotient, below 256 */
        w = n02 | (n13 << 8);
    } else {
        w = tb_avg_quotient(n02 & 0xFFFFu, d) | (tb_avg_quotient(n13 & 0xFFFFu, d) << 8) |
            (tb_avg_quotient(n02 >> 16, d) << 16) | (tb_avg_quotient(n13 >> 16, d) << 24);
    }
    return tb_clamp4(w ^ 0x80808080u, lo4, hi4);
}

/* One channel's sum to its int8 result, clamped to lo..hi. */
TB_ALWAYS_INLINE int32_t tb_avg_finish1(int32_t acc, tb_avg_divisor_t d, int32_t lo, int32_t hi)
{
    const uint32_t n = (uint32_t)acc + (d.bias2 & 0xFFFFu) - (acc < 0 ? (d.even2 & 1u) : 0u);
    const int32_t q = (int32_t)(d.recip == 0u ? n : tb_avg_quotient(n, d)) - 128;
    return q < lo ? lo : (q > hi ? hi : q);
}

/* The sums of a window's h x w raw words from p on: bytes 0 and 2 in s02, 1 and 3 in s13. */
TB_ALWAYS_INLINE void tb_avg_window(const int8_t *row, int32_t h, int32_t w, size_t row_step, size_t pixel,
                                    uint32_t *s02, uint32_t *s13)
{
    uint32_t a = 0, b = 0;
    for (int32_t fy = 0; fy < h; fy++, row += row_step) {
        const int8_t *p = row;
        for (int32_t fx = 0; fx < w; fx++, p += pixel) {
            const uint32_t v = tb_read_u32(p);
            a = tb_sxtab16(a, v);
            b = tb_sxtab16(b, (v >> 8) | (v << 24));
        }
    }
    *s02 = a;
    *s13 = b;
}

/* One to three channels (`depth`, a constant at each call): one byte per tap for one channel,
 * else one word per tap, read forward or backward per window (tb_pool_word_shift); a loop of its own so that the per-pixel work keeps
 * its values in registers. */
TB_ALWAYS_INLINE tb_status_t tb_avg_few(const tb_pool_params_t *params, const tb_dims_t *input_dims,
                                        const int8_t *input, const tb_dims_t *output_dims, int8_t *output,
                                        const int32_t depth)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, out_w = output_dims->w;
    const size_t c = (size_t)depth, row_step = (size_t)in_w * c;
    const int32_t filter_w = params->filter.w, stride_w = params->stride.w, pad_w = params->padding.w;
    const int32_t lo = params->activation.min, hi = params->activation.max;
    const uint32_t lo4 = tb_bytes4(lo), hi4 = tb_bytes4(hi);
    const uintptr_t begin = (uintptr_t)input;
    const uintptr_t end = begin + (uintptr_t)input_dims->n * (uintptr_t)in_h * (uintptr_t)row_step;
    int32_t last_count = 0;
    tb_avg_divisor_t divisor = {0, 0, 0};
    int8_t *out = output;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + (size_t)b * (size_t)in_h * row_step;
        for (int32_t oy = 0; oy < output_dims->h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const tb_span_t rows = tb_pool_clip(y0, params->filter.h, in_h);
            const int32_t h = rows.end - rows.start;
            const int8_t *row0 = image + (size_t)(y0 + rows.start) * row_step;
            for (int32_t ox = 0, x0 = -pad_w; ox < out_w; ox++, x0 += stride_w, out += c) {
                const tb_span_t cols = tb_pool_clip(x0, filter_w, in_w);
                const int32_t w = cols.end - cols.start;
                if (h <= 0 || w <= 0) {
                    return TB_ERR_ARG;
                }
                const int32_t count = h * w;
                if (count != last_count) {
                    divisor = tb_avg_divisor(count);
                    last_count = count;
                }
                const int8_t *first = row0 + (size_t)(x0 + cols.start) * c;
                if (depth == 1) { /* bytes: a word would hold other pixels */
                    int32_t acc = 0;
                    const int8_t *row = first;
                    for (int32_t fy = 0; fy < h; fy++, row += row_step) {
                        for (int32_t fx = 0; fx < w; fx++) {
                            acc += row[fx];
                        }
                    }
                    out[0] = (int8_t)tb_avg_finish1(acc, divisor, lo, hi);
                    continue;
                }
                const int32_t k = tb_pool_word_shift(first, first + (size_t)(h - 1) * row_step + (size_t)(w - 1) * c,
                                                     depth, begin, end);
                if (k < 0) { /* an input of a few bytes: channel by channel */
                    for (int32_t ch = 0; ch < depth; ch++) {
                        int32_t acc = 0;
                        const int8_t *row = first + ch;
                        for (int32_t fy = 0; fy < h; fy++, row += row_step) {
                            for (int32_t fx = 0; fx < w; fx++) {
                                acc += row[(size_t)fx * c];
                            }
                        }
                        out[ch] = (int8_t)tb_avg_finish1(acc, divisor, lo, hi);
                    }
                    continue;
                }
                uint32_t s02, s13;
                tb_avg_window(first - k, h, w, row_step, c, &s02, &s13);
                const uint32_t r = tb_avg_finish4(s02, s13, divisor, lo4, hi4) >> (8 * k);
                out[0] = (int8_t)r;
                out[1] = (int8_t)(r >> 8);
                if (depth == 3) {
                    out[2] = (int8_t)(r >> 16);
                }
            }
        }
    }
    return TB_OK;
}

/* One function per depth, each its own registers. */
#define TB_AVG_FEW(depth)                                                                                   \
    static __attribute__((noinline)) tb_status_t tb_avg_pool2d_s8_c##depth(                                  \
        const tb_pool_params_t *params, const tb_dims_t *input_dims, const int8_t *input,                     \
        const tb_dims_t *output_dims, int8_t *output)                                                        \
    {                                                                                                        \
        return tb_avg_few(params, input_dims, input, output_dims, output, depth);                            \
    }
TB_AVG_FEW(1)
TB_AVG_FEW(2)
TB_AVG_FEW(3)

tb_status_t tb_avg_pool2d_s8_dsp(const tb_pool_params_t *params,
                                 const tb_dims_t *input_dims,
                                 const int8_t *input,
                                 const tb_dims_t *output_dims,
                                 int8_t *output)
{
    if (params == NULL || input_dims == NULL || input == NULL || output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status = tb_pool_check_shapes(&params->stride, &params->padding, &params->filter,
                                                    input_dims, output_dims);
    if (status != TB_OK) {
        return status;
    }
    if (params->activation.min > params->activation.max || params->filter.h * params->filter.w > 255) {
        return TB_ERR_ARG;
    }
    const int32_t in_h = input_dims->h, in_w = input_dims->w, depth = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    if (params->activation.min < -128 || params->activation.max > 127) {
        return TB_ERR_ARG;
    }
    if (params->filter.h == 1 && params->filter.w == 1 && params->padding.h == 0 && params->padding.w == 0) {
        tb_pool_copy_s8(params, input_dims, input, output_dims, output);
        return TB_OK;
    }
    if (depth < 4) {
        return depth == 1   ? tb_avg_pool2d_s8_c1(params, input_dims, input, output_dims, output)
               : depth == 2 ? tb_avg_pool2d_s8_c2(params, input_dims, input, output_dims, output)
                            : tb_avg_pool2d_s8_c3(params, input_dims, input, output_dims, output);
    }
    const size_t c = (size_t)depth;
    const size_t row_step = (size_t)in_w * c;
    const int32_t full = depth & ~3;
    /* The channels after the whole groups: one by one, or 2 or 3 of them as a partial group of
     * words (the last word of the pixel, overlapping the group before). */
    const int32_t rest = depth - full;
    const int32_t partial = rest >= 2;
    int32_t last_count = 0;
    tb_avg_divisor_t divisor = {0, 0, 0};
    const int32_t lo = params->activation.min, hi = params->activation.max;
    const uint32_t lo4 = tb_bytes4(lo), hi4 = tb_bytes4(hi);
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + (size_t)b * (size_t)in_h * row_step;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const tb_span_t rows = tb_pool_clip(y0, params->filter.h, in_h);
            const int32_t h = rows.end - rows.start;
            int8_t *out = output + ((size_t)b * (size_t)out_h + (size_t)oy) * (size_t)out_w * c;
            for (int32_t ox = 0; ox < out_w; ox++, out += c) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                const tb_span_t cols = tb_pool_clip(x0, params->filter.w, in_w);
                const int32_t w = cols.end - cols.start;
                const int32_t count = h * w;
                if (h <= 0 || w <= 0) {
                    return TB_ERR_ARG;
                }
                if (count != last_count) {
                    divisor = tb_avg_divisor(count);
                    last_count = count;
                }
                const int8_t *first = image + (size_t)(y0 + rows.start) * row_step + (size_t)(x0 + cols.start) * c;
                int32_t ch = 0;
                for (; ch + 8 <= full; ch += 8) { /* two groups per pass over the window */
                    uint32_t a02 = 0, a13 = 0, b02 = 0, b13 = 0;
                    const int8_t *row = first + ch;
                    for (int32_t fy = 0; fy < h; fy++, row += row_step) {
                        const int8_t *p = row;
                        for (int32_t fx = 0; fx < w; fx++, p += c) {
                            const uint32_t u = tb_read_u32(p), v = tb_read_u32(p + 4);
                            a02 = tb_sxtab16(a02, u);
                            a13 = tb_sxtab16(a13, (u >> 8) | (u << 24));
                            b02 = tb_sxtab16(b02, v);
                            b13 = tb_sxtab16(b13, (v >> 8) | (v << 24));
                        }
                    }
                    const uint32_t ra = tb_avg_finish4(a02, a13, divisor, lo4, hi4);
                    const uint32_t rb = tb_avg_finish4(b02, b13, divisor, lo4, hi4);
                    memcpy(out + ch, &ra, sizeof ra);
                    memcpy(out + ch + 4, &rb, sizeof rb);
                }
                for (; ch < full; ch += 4) {
                    uint32_t s02, s13;
                    tb_avg_window(first + ch, h, w, row_step, c, &s02, &s13);
                    const uint32_t r = tb_avg_finish4(s02, s13, divisor, lo4, hi4);
                    memcpy(out + ch, &r, sizeof r);
                }
                if (partial) {
                    /* Channels ch..depth-1 at bytes k..3 of the words at first + ch - k. */
                    const int32_t k = 4 - rest;
                    uint32_t s02, s13;
                    tb_avg_window(first + ch - k, h, w, row_step, c, &s02, &s13);
                    const uint32_t r = tb_avg_finish4(s02, s13, divisor, lo4, hi4) >> (8 * k);
                    for (int32_t i = 0; i < rest; i++) {
                        out[ch + i] = (int8_t)(r >> (8 * i));
                    }
                    continue;
                }
                for (; ch < depth; ch++) {
                    int32_t acc = 0;
                    const int8_t *row = first + ch;
                    for (int32_t fy = 0; fy < h; fy++, row += row_step) {
                        const int8_t *p = row;
                        for (int32_t fx = 0; fx < w; fx++, p += c) {
                            acc += *p;
                        }
                    }
                    out[ch] = (int8_t)tb_avg_finish1(acc, divisor, lo, hi);
                }
            }
        }
    }
    return TB_OK;
}
