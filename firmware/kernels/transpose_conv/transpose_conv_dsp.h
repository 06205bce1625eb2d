/* Dot products of the optimized TRANSPOSE_CONV kernels over one input pixel and one filter tap
 * (both channel-contiguous): four channels per step with the DSP extension, the same sums as
 * the reference kernels' one-by-one loops (integer sums, so the grouping does not matter). */
#ifndef TB_TRANSPOSE_CONV_DSP_H
#define TB_TRANSPOSE_CONV_DSP_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_isa.h"
#include "common/tb_window.h"
#include "transpose_conv/transpose_conv_common.h"

/* The input pixels reaching one output pixel, walked with pointer steps instead of an offset
 * computed per tap: the first pixel (rows.first, cols.first) and its tap, then each next input
 * column moves the tap stride.w columns back, each next row stride.h rows back. */
typedef struct {
    size_t input;     /* element offset of the first input pixel */
    size_t tap;       /* element offset of its tap within one output channel's filter */
    int32_t rows;     /* input rows reaching the pixel (<= 0: none) */
    int32_t cols;     /* input columns reaching the pixel (<= 0: none) */
    size_t input_row; /* elements from one input row to the next */
    size_t tap_col;   /* elements a tap moves back per input column */
    size_t tap_row;   /* elements a tap moves back per input row */
} tb_tconv_field_t;

static inline tb_tconv_field_t tb_tconv_field(const tb_dims_t *in, const tb_dims_t *filter, const tb_tile_t *stride,
                                              const tb_tile_t *padding, int32_t b, int32_t oy, int32_t ox)
{
    const tb_tconv_span_t rows = tb_tconv_span(oy, padding->h, stride->h, filter->h, in->h);
    const tb_tconv_span_t cols = tb_tconv_span(ox, padding->w, stride->w, filter->w, in->w);
    tb_tconv_field_t f;
    f.rows = rows.last - rows.first + 1;
    f.cols = cols.last - cols.first + 1;
    f.input = 0;
    f.tap = 0;
    if (f.rows > 0 && f.cols > 0) {
        f.input = tb_nhwc_offset(in->h, in->w, in->c, b, rows.first, cols.first, 0);
        f.tap = tb_nhwc_offset(filter->h, filter->w, filter->c, 0, oy + padding->h - rows.first * stride->h,
                               ox + padding->w - cols.first * stride->w, 0);
    }
    f.input_row = (size_t)in->w * (size_t)in->c;
    f.tap_col = (size_t)stride->w * (size_t)filter->c;
    f.tap_row = (size_t)stride->h * (size_t)filter->w * (size_t)filter->c;
    return f;
}

/* acc + lo(a) * lo(b) + hi(a) * hi(b) into 64 bits (SMLALD). */
TB_ALWAYS_INLINE int64_t tb_tconv_smlald(uint32_t a, uint32_t b, int64_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return (int64_t)__smlald((int16x2_t)a, (int16x2_t)b, acc);
#else
    return acc + (int64_t)(tb_lo16(a) * tb_lo16(b)) + (int64_t)(tb_hi16(a) * tb_hi16(b));
#endif
}

/* acc + sum x[i] * w[i] for int16 x and int8 w stored with each whole quad as (w0, w2, w1, w3)
 * (the generator's quad_interleaved): SXTB16 unpacks (w0, w1) and, rotated, (w2, w3), which
 * meet the input words (x0, x1) and (x2, x3) as loaded. */
TB_ALWAYS_INLINE int64_t tb_tconv_dot_s16(const int16_t *x, const int8_t *w, int32_t n, int64_t acc)
{
    int32_t i = 0;
    for (; i + 8 <= n; i += 8) { /* two quads per step: half the loop overhead */
        const uint32_t w0 = tb_read_u32(w + i), w1 = tb_read_u32(w + i + 4);
        acc = tb_tconv_smlald(tb_read_u32(x + i), tb_sxtb16(w0), acc);
        acc = tb_tconv_smlald(tb_read_u32(x + i + 2), tb_sxtb16_ror8(w0), acc);
        acc = tb_tconv_smlald(tb_read_u32(x + i + 4), tb_sxtb16(w1), acc);
        acc = tb_tconv_smlald(tb_read_u32(x + i + 6), tb_sxtb16_ror8(w1), acc);
    }
    for (; i + 4 <= n; i += 4) {
        const uint32_t wq = tb_read_u32(w + i);
        acc = tb_tconv_smlald(tb_read_u32(x + i), tb_sxtb16(wq), acc);
        acc = tb_tconv_smlald(tb_read_u32(x + i + 2), tb_sxtb16_ror8(wq), acc);
    }
    for (; i < n; i++) {
        acc += (int64_t)((int32_t)x[i] * (int32_t)w[i]);
    }
    return acc;
}

/* acc + sum (x[i] + offset) * w[i] for int8 x and w, wrapping like an int32 sum; `offset2` holds
 * the input offset in both halfwords (x + offset stays within int16). */
TB_ALWAYS_INLINE int32_t tb_tconv_dot_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t offset,
                                         uint32_t offset2, int32_t acc)
{
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint32_t xq = tb_read_u32(x + i), wq = tb_read_u32(w + i);
        acc = tb_smlad(tb_sxtab16(offset2, xq), tb_sxtb16(wq), acc);
        acc = tb_smlad(tb_sxtab16(offset2, xq >> 8), tb_sxtb16_ror8(wq), acc);
    }
    for (; i < n; i++) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)(((int32_t)x[i] + offset) * (int32_t)w[i]));
    }
    return acc;
}

#endif /* TB_TRANSPOSE_CONV_DSP_H */
