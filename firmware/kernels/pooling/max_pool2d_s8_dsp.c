/* Optimized int8 MAX_POOL_2D: byte-wise maximum of four channels per step (SSUB8 + SEL), every
 * channel in a group of 4 (tb_pool_group: a depth off whole groups ends with an overlapping one),
 * clamped and stored as one word. */
#include <stddef.h>
#include <string.h>

#include "common/tb_isa.h"
#include "common/tb_requant.h"
#include "pooling/pooling_common.h"
#include "pooling/tb_pooling_dsp.h"

/* The byte-wise maximum of m and a window's h x w taps of four channels (n == 4: a constant
 * at the full groups' call, so their loads are plain words). */
TB_ALWAYS_INLINE uint32_t tb_max_window(const int8_t *row, int32_t h, int32_t w, size_t row_step, size_t pixel,
                                        int32_t n, uintptr_t begin, uintptr_t end, uint32_t m)
{
    for (int32_t fy = 0; fy < h; fy++, row += row_step) {
        const int8_t *p = row;
        for (int32_t fx = 0; fx < w; fx++, p += pixel) {
            m = tb_max8(m, n == 4 ? tb_read_u32(p) : tb_pool_read4(p, n, begin, end));
        }
    }
    return m;
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
    const int32_t in_h = input_dims->h, in_w = input_dims->w, depth = input_dims->c;
    const int32_t out_h = output_dims->h, out_w = output_dims->w;
    const size_t c = (size_t)depth;
    const int32_t groups = (depth + 3) / 4;
    const uint32_t lo4 = tb_bytes4(lo), hi4 = tb_bytes4(hi);
    const uintptr_t begin = (uintptr_t)input;
    const uintptr_t end = begin + (uintptr_t)input_dims->n * (uintptr_t)in_h * (uintptr_t)in_w * (uintptr_t)depth;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *image = input + (size_t)b * (size_t)in_h * (size_t)in_w * c;
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * params->stride.h - params->padding.h;
            const tb_span_t rows = tb_pool_clip(y0, params->filter.h, in_h);
            for (int32_t ox = 0; ox < out_w; ox++) {
                const int32_t x0 = ox * params->stride.w - params->padding.w;
                const tb_span_t cols = tb_pool_clip(x0, params->filter.w, in_w);
                int8_t *out = output + (((size_t)b * (size_t)out_h + (size_t)oy) * (size_t)out_w + (size_t)ox) * c;
                const int8_t *first = image + ((size_t)(y0 + rows.start) * (size_t)in_w + (size_t)(x0 + cols.start)) * c;
                if (depth == 1) { /* one channel: bytes (a word load would cost its bounds checks) */
                    int32_t m = lo;
                    const int8_t *row = first;
                    for (int32_t fy = rows.start; fy < rows.end; fy++, row += (size_t)in_w) {
                        for (int32_t fx = cols.start; fx < cols.end; fx++) {
                            m = row[fx - cols.start] > m ? row[fx - cols.start] : m;
                        }
                    }
                    out[0] = (int8_t)(m > hi ? hi : m);
                    continue;
                }
                for (int32_t g = 0; g < groups; g++) {
                    const tb_pool_group_t grp = tb_pool_group(g, depth);
                    const int8_t *row = first + grp.ch;
                    const size_t row_step = (size_t)in_w * c;
                    const int32_t h = rows.end - rows.start, w = cols.end - cols.start;
                    uint32_t m = grp.n == 4 ? tb_max_window(row, h, w, row_step, c, 4, 0, 0, lo4)
                                            : tb_max_window(row, h, w, row_step, c, grp.n, begin, end, lo4);
                    m = tb_clamp4(m, lo4, hi4);
                    if (grp.n == 4) {
                        memcpy(out + grp.ch, &m, sizeof m);
                    } else {
                        for (int32_t i = 0; i < grp.n; i++) {
                            out[grp.ch + i] = (int8_t)(m >> (8 * i));
                        }
                    }
                }
            }
        }
    }
    return TB_OK;
}
