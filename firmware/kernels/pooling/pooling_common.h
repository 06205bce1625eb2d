/* Argument checks and window clipping shared by the pooling kernels. */
#ifndef TB_POOLING_COMMON_H
#define TB_POOLING_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_window.h"
#include "tb_kernel_types.h"

static inline tb_status_t tb_pool_check_shapes(const tb_tile_t *stride,
                                               const tb_tile_t *padding,
                                               const tb_tile_t *filter,
                                               const tb_dims_t *input_dims,
                                               const tb_dims_t *output_dims)
{
    const tb_tile_t unit = {.h = 1, .w = 1};
    if (!tb_window_valid(stride, padding, &unit) || filter->h < 1 || filter->w < 1) {
        return TB_ERR_ARG;
    }
    if (!tb_dims_positive(input_dims) || !tb_dims_positive(output_dims) ||
        input_dims->n != output_dims->n || input_dims->c != output_dims->c) {
        return TB_ERR_ARG;
    }
    return TB_OK;
}

/* The part [start, end) of a window of `size` taps beginning at `origin` that lies inside
 * 0..extent-1, in window coordinates. */
typedef struct {
    int32_t start;
    int32_t end;
} tb_span_t;

static inline tb_span_t tb_pool_clip(int32_t origin, int32_t size, int32_t extent)
{
    tb_span_t span;
    span.start = origin < 0 ? -origin : 0;
    span.end = extent - origin < size ? extent - origin : size;
    return span;
}

#endif /* TB_POOLING_COMMON_H */
