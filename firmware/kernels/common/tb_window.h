/* Sliding-window geometry shared by the convolution and pooling kernels. */
#ifndef TB_WINDOW_H
#define TB_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "tb_kernel_types.h"

/* A height/width pair: strides, paddings, dilations and pooling filter sizes. */
typedef struct {
    int32_t h;
    int32_t w;
} tb_tile_t;

/* Offset of element (n, y, x, c) in an NHWC tensor of height h, width w and depth c. */
static inline size_t tb_nhwc_offset(int32_t height, int32_t width, int32_t depth,
                                    int32_t n, int32_t y, int32_t x, int32_t c)
{
    return (((size_t)n * (size_t)height + (size_t)y) * (size_t)width + (size_t)x) * (size_t)depth +
           (size_t)c;
}

/* Strides and dilations must be at least 1, paddings at least 0 (the padding before the
 * first row/column; the extra row/column of an odd SAME padding goes after the last one). */
static inline int tb_window_valid(const tb_tile_t *stride, const tb_tile_t *padding,
                                  const tb_tile_t *dilation)
{
    return stride->h >= 1 && stride->w >= 1 && padding->h >= 0 && padding->w >= 0 &&
           dilation->h >= 1 && dilation->w >= 1;
}

/* Every dimension at least 1. */
static inline int tb_dims_positive(const tb_dims_t *dims)
{
    return dims->n >= 1 && dims->h >= 1 && dims->w >= 1 && dims->c >= 1;
}

#endif /* TB_WINDOW_H */
