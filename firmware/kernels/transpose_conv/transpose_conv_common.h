/* Shared by the TRANSPOSE_CONV kernels: argument checks, the input rows/columns that reach an
 * output pixel, and TFLM's 64-bit rescaling. */
#ifndef TB_TRANSPOSE_CONV_COMMON_H
#define TB_TRANSPOSE_CONV_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_window.h"
#include "tb_kernel_types.h"

/* Batches match, the filter is [output channels][kh][kw][input depth]; strides >= 1, paddings >= 0. */
static inline tb_status_t tb_transpose_conv_check(const tb_tile_t *stride,
                                                  const tb_tile_t *padding,
                                                  const tb_dims_t *input_dims,
                                                  const tb_dims_t *filter_dims,
                                                  const tb_dims_t *output_dims)
{
    if (stride->h < 1 || stride->w < 1 || padding->h < 0 || padding->w < 0) {
        return TB_ERR_ARG;
    }
    if (!tb_dims_positive(input_dims) || !tb_dims_positive(filter_dims) ||
        !tb_dims_positive(output_dims)) {
        return TB_ERR_ARG;
    }
    if (input_dims->n != output_dims->n || filter_dims->c != input_dims->c ||
        filter_dims->n != output_dims->c) {
        return TB_ERR_ARG;
    }
    return TB_OK;
}

/* floor(a / b) for b >= 1. */
static inline int32_t tb_floor_div(int32_t a, int32_t b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Input rows (or columns) [first, last] whose filter tap `pos + padding - i * stride` lies in
 * 0..kernel-1 for output position `pos`; empty when first > last. */
typedef struct {
    int32_t first;
    int32_t last;
} tb_tconv_span_t;

static inline tb_tconv_span_t tb_tconv_span(int32_t pos, int32_t padding, int32_t stride, int32_t kernel,
                                            int32_t input_size)
{
    const int32_t origin = pos + padding; /* tap index of input 0 */
    tb_tconv_span_t span;
    span.first = tb_floor_div(origin - kernel, stride) + 1;
    span.last = tb_floor_div(origin, stride);
    if (span.first < 0) {
        span.first = 0;
    }
    if (span.last > input_size - 1) {
        span.last = input_size - 1;
    }
    return span;
}

/* TFLM's MultiplyByQuantizedMultiplier for an int64 accumulator (the double-rounding build):
 * the Q31 multiplier is rounded to Q15, then x * m15 is divided by 2^(15 - shift), rounding
 * half up; the int64 result is truncated to int32. shift in -31..7. Unsigned arithmetic makes
 * the wrap-around explicit instead of undefined. */
static inline int32_t tb_multiply_by_quantized_multiplier_s64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int32_t reduced = multiplier < 0x7FFF0000 ? (int32_t)((multiplier + (1 << 15)) >> 16) : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    const uint64_t rounded = (uint64_t)x * (uint64_t)(int64_t)reduced + ((uint64_t)1 << (total_shift - 1));
    /* Arithmetic shift of the two's-complement value. */
    const int64_t value = (int64_t)rounded;
    const int64_t shifted = value >= 0 ? value >> total_shift : -(int64_t)((~(uint64_t)value) >> total_shift) - 1;
    return (int32_t)(uint32_t)(uint64_t)shifted;
}

/* Every per-channel shift within lo..hi. */
static inline int tb_tconv_shifts_within(const int32_t *shift, int32_t channels, int32_t lo, int32_t hi)
{
    for (int32_t c = 0; c < channels; c++) {
        if (shift[c] < lo || shift[c] > hi) {
            return 0;
        }
    }
    return 1;
}

#endif /* TB_TRANSPOSE_CONV_COMMON_H */
