/* Optimized int8 AVERAGE_POOL_2D: four channels per step in 16-bit lanes (SXTAB16). */
#include <stddef.h>

#include "common/tb_isa.h"
#include "common/tb_requant.h"
#include "pooling/pooling_common.h"
#include "pooling/tb_pooling_dsp.h"

/* The divisor of one window: TFLM's rounded division of a sum by `count` (1..255) as a multiply.
 * With recip = ceil(2^31 / count), floor(n * recip / 2^31) = floor(n / count) for every
 * n < 2^16 (the error n * (recip * count - 2^31) / 2^31 stays below 1 / count as n < 2^16 and
 * recip * count - 2^31 < 2^8), and |sum| + count / 2 <= 128 * 255 + 127 < 2^16. */
typedef struct {
    uint32_t half;  /* count / 2 */
    uint32_t recip; /* ceil(2^31 / count) */
} tb_avg_divisor_t;

TB_ALWAYS_INLINE tb_avg_divisor_t tb_avg_divisor(int32_t count)
{
    const tb_avg_divisor_t d = {(uint32_t)count / 2u, (uint32_t)((0x80000000u + (uint32_t)count - 1u) / (uint32_t)count)};
    return d;
}

/* (acc +- count / 2) / count truncated toward zero, as TFLM rounds, then clamped. */
TB_ALWAYS_INLINE int32_t tb_avg_finish(int32_t acc, tb_avg_divisor_t d, const tb_pool_params_t *params)
{
    const uint32_t n = (uint32_t)(acc < 0 ? -acc : acc) + d.half;
    const int32_t q = (int32_t)(((uint64_t)n * d.recip) >> 31);
    return tb_clamp_s32(acc < 0 ? -q : q, params->activation.min, params->activation.max);
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

/* The sum of byte j (0..3) of the words tb_avg_window added. */
TB_ALWAYS_INLINE int32_t tb_avg_lane(uint32_t s02, uint32_t s13, int32_t j)
{
    const uint32_t s = (j & 1) ? s13 : s02;
    return (j & 2) ? tb_hi16(s) : tb_lo16(s);
}

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
    if (params->filter.h == 1 && params->filter.w == 1 && params->padding.h == 0 && params->padding.w == 0 &&
        params->activation.min >= -128 && params->activation.max <= 127) {
        tb_pool_copy_s8(params, input_dims, input, output_dims, output);
        return TB_OK;
    }
    const size_t c = (size_t)depth;
    const size_t row_step = (size_t)in_w * c;
    const int32_t full = depth & ~3;
    /* The channels after the whole groups: one by one, or (2 or 3 of them, or a depth below 4)
     * as a partial group of words. */
    const int32_t rest = depth - full;
    const int32_t partial = depth < 4 ? (depth > 1) : (rest >= 2);
    const uintptr_t begin = (uintptr_t)input;
    const uintptr_t end = begin + (uintptr_t)input_dims->n * (uintptr_t)in_h * (uintptr_t)row_step;
    int32_t last_count = 0;
    tb_avg_divisor_t divisor = {0, 0};
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
                for (; ch < full; ch += 4) {
                    uint32_t s02, s13;
                    tb_avg_window(first + ch, h, w, row_step, c, &s02, &s13);
                    out[ch] = (int8_t)tb_avg_finish(tb_lo16(s02), divisor, params);
                    out[ch + 1] = (int8_t)tb_avg_finish(tb_lo16(s13), divisor, params);
                    out[ch + 2] = (int8_t)tb_avg_finish(tb_hi16(s02), divisor, params);
                    out[ch + 3] = (int8_t)tb_avg_finish(tb_hi16(s13), divisor, params);
                }
                if (partial) {
                    /* Channels ch..depth-1 at bytes k..k+rest-1 of the words at first + ch - k. */
                    int32_t k = 4 - rest;
                    if (depth < 4) {
                        const int8_t *last = first + (size_t)(h - 1) * row_step + (size_t)(w - 1) * c;
                        k = tb_pool_word_shift(first, last, depth, begin, end);
                    }
                    if (k >= 0) {
                        uint32_t s02, s13;
                        tb_avg_window(first + ch - k, h, w, row_step, c, &s02, &s13);
                        for (int32_t i = 0; i < rest; i++) {
                            out[ch + i] = (int8_t)tb_avg_finish(tb_avg_lane(s02, s13, k + i), divisor, params);
                        }
                        continue;
                    }
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
                    out[ch] = (int8_t)tb_avg_finish(acc, divisor, params);
                }
            }
        }
    }
    return TB_OK;
}
