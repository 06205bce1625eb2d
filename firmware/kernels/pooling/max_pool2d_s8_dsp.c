/* Optimized int8 MAX_POOL_2D: byte-wise maximum of four channels per step (SSUB8 + SEL), every
 * channel in a group of 4 (a depth off whole groups ends with a group overlapping the one before),
 * clamped and stored as one word; below four channels one word per tap (tb_pool_word_shift). */
#include <stddef.h>
#include <string.h>

#include "common/tb_isa.h"
#include "common/tb_requant.h"
#include "pooling/pooling_common.h"
#include "pooling/tb_pooling_dsp.h"

/* The byte-wise maximum of m and the words at a window's h x w taps. */
TB_ALWAYS_INLINE uint32_t tb_max_window(const int8_t *row, int32_t h, int32_t w, size_t row_step, size_t pixel,
                                        uint32_t m)
{
    for (int32_t fy = 0; fy < h; fy++, row += row_step) {
        const int8_t *p = row;
        for (int32_t fx = 0; fx < w; fx++, p += pixel) {
            m = tb_max8(m, tb_read_u32(p));
        }
    }
    return m;
}

/* The windows' loops; `depth` a constant 1, 2 or 3 at the small depths' calls (their own
 * functions, so that each keeps its values in registers), else the input's depth (`wide`: 4 or
 * more, whole groups only). */
TB_ALWAYS_INLINE void tb_max_loops(const tb_pool_params_t *params, const tb_dims_t *input_dims, const int8_t *input,
                                   const tb_dims_t *output_dims, int8_t *output, const int32_t depth,
                                   const int wide)
{
    const int32_t lo = params->activation.min, hi = params->activation.max;
    const int32_t in_h = input_dims->h, in_w = input_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    const size_t c = (size_t)depth;
    const size_t row_step = (size_t)in_w * c;
    const uint32_t lo4 = tb_bytes4(lo), hi4 = tb_bytes4(hi);
    const uintptr_t begin = (uintptr_t)input;
    const uintptr_t end = begin + (uintptr_t)input_dims->n * (uintptr_t)in_h * (uintptr_t)row_step;
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
                const int8_t *first = image + (size_t)(y0 + rows.start) * row_step + (size_t)(x0 + cols.start) * c;
                if (wide) {
                    int32_t ch = 0;
                    for (; ch + 8 <= depth; ch += 8) { /* two groups per pass over the window */
                        uint32_t m0 = lo4, m1 = lo4;
                        const int8_t *row = first + ch;
                        for (int32_t fy = 0; fy < h; fy++, row += row_step) {
                            const int8_t *p = row;
                            for (int32_t fx = 0; fx < w; fx++, p += c) {
                                m0 = tb_max8(m0, tb_read_u32(p));
                                m1 = tb_max8(m1, tb_read_u32(p + 4));
                            }
                        }
                        m0 = tb_clamp4(m0, lo4, hi4);
                        m1 = tb_clamp4(m1, lo4, hi4);
                        memcpy(out + ch, &m0, sizeof m0);
                        memcpy(out + ch + 4, &m1, sizeof m1);
                    }
                    for (; ch < depth; ch += 4) { /* the last group overlaps the one before */
                        const int32_t at = ch + 4 <= depth ? ch : depth - 4;
                        uint32_t m = tb_max_window(first + at, h, w, row_step, c, lo4);
                        m = tb_clamp4(m, lo4, hi4);
                        memcpy(out + at, &m, sizeof m);
                    }
                    continue;
                }
                if (depth == 1) { /* one channel: bytes (a word would hold other pixels' bytes) */
                    int32_t m = lo;
                    const int8_t *row = first;
                    for (int32_t fy = 0; fy < h; fy++, row += row_step) {
                        for (int32_t fx = 0; fx < w; fx++) {
                            m = row[fx] > m ? row[fx] : m;
                        }
                    }
                    out[0] = (int8_t)(m > hi ? hi : m);
                    continue;
                }
                /* Below four channels: whole words read forward, or backward near the input's end
                 * (bytes k.. of each word), the maximum shifted down to channel 0 after the window. */
                const int32_t k = h <= 0 || w <= 0
                                      ? -1
                                      : tb_pool_word_shift(first, first + (size_t)(h - 1) * row_step + (size_t)(w - 1) * c,
                                                           depth, begin, end);
                if (k < 0) { /* a tiny input (or an empty window) */
                    for (int32_t i = 0; i < depth; i++) {
                        int32_t m = lo;
                        const int8_t *row = first + i;
                        for (int32_t fy = 0; fy < h; fy++, row += row_step) {
                            for (int32_t fx = 0; fx < w; fx++) {
                                const int32_t v = row[(size_t)fx * c];
                                m = v > m ? v : m;
                            }
                        }
                        out[i] = (int8_t)(m > hi ? hi : m);
                    }
                    continue;
                }
                uint32_t m = tb_max_window(first - k, h, w, row_step, c, lo4);
                m = tb_clamp4(m, lo4, hi4) >> (8 * k);
                for (int32_t i = 0; i < depth; i++) {
                    out[i] = (int8_t)(m >> (8 * i));
                }
            }
        }
    }
}

#define TB_MAX_FEW(depth)                                                                                    \
    static __attribute__((noinline)) void tb_max_pool2d_s8_c##depth(const tb_pool_params_t *params,          \
                                                                    const tb_dims_t *input_dims,             \
                                                                    const int8_t *input,                     \
                                                                    const tb_dims_t *output_dims,            \
                                                                    int8_t *output)                          \
    {                                                                                                        \
        tb_max_loops(params, input_dims, input, output_dims, output, depth, 0);                              \
    }
TB_MAX_FEW(1)
TB_MAX_FEW(2)
TB_MAX_FEW(3)

static __attribute__((noinline)) void tb_max_pool2d_s8_wide(const tb_pool_params_t *params,
                                                            const tb_dims_t *input_dims, const int8_t *input,
                                                            const tb_dims_t *output_dims, int8_t *output)
{
    tb_max_loops(params, input_dims, input, output_dims, output, input_dims->c, 1);
}

tb_status_t tb_max_pool2d_s8_dsp(const tb_pool_params_t *params,
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
    const int32_t lo = params->activation.min, hi = params->activation.max;
    if (lo > hi || lo < -128 || hi > 127) {
        return TB_ERR_ARG;
    }
    const int32_t depth = input_dims->c;
    if (params->filter.h == 1 && params->filter.w == 1 && params->padding.h == 0 && params->padding.w == 0) {
        tb_pool_copy_s8(params, input_dims, input, output_dims, output);
        return TB_OK;
    }
    if (depth == 1) {
        tb_max_pool2d_s8_c1(params, input_dims, input, output_dims, output);
    } else if (depth == 2) {
        tb_max_pool2d_s8_c2(params, input_dims, input, output_dims, output);
    } else if (depth == 3) {
        tb_max_pool2d_s8_c3(params, input_dims, input, output_dims, output);
    } else {
        tb_max_pool2d_s8_wide(params, input_dims, input, output_dims, output);
    }
    return TB_OK;
}
