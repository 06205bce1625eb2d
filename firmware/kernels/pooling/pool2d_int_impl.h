/* The reference integer MAX_POOL_2D and AVERAGE_POOL_2D loops (TFLM's arithmetic), instantiated
 * per element type by max_pool2d_s8.c, max_pool2d_s16.c, avg_pool2d_s8.c and avg_pool2d_s16.c. */
#ifndef TB_POOL2D_INT_IMPL_H
#define TB_POOL2D_INT_IMPL_H

#include "common/tb_requant.h"
#include "pooling/pooling_common.h"
#include "pooling/tb_pooling.h"
#include <stddef.h>

/* `lo`..`hi`: the element type's range (the empty window's maximum, the activation's bounds). */
#define TB_DEFINE_MAX_POOL2D(fn, type, lo, hi)                                                                   \
    tb_status_t fn(const tb_pool_params_t *params,                                                                   \
                                 const tb_dims_t *input_dims,                                                        \
                                 const type *input,                                                                  \
                                 const tb_dims_t *output_dims,                                                       \
                                 type *output)                                                                       \
    {                                                                                                                \
        if (params == NULL || input_dims == NULL || input == NULL || output_dims == NULL ||                          \
            output == NULL) {                                                                                        \
            return TB_ERR_ARG;                                                                                       \
        }                                                                                                            \
        const tb_status_t status = tb_pool_check_shapes(&params->stride, &params->padding,                           \
                                                        &params->filter, input_dims, output_dims);                   \
        if (status != TB_OK) {                                                                                       \
            return status;                                                                                           \
        }                                                                                                            \
        if (params->activation.min > params->activation.max || params->activation.min < (lo) ||                      \
            params->activation.max > (hi)) {                                                                         \
            return TB_ERR_ARG;                                                                                       \
        }                                                                                                            \
                                                                                                                     \
        const int32_t in_h = input_dims->h, in_w = input_dims->w, depth = input_dims->c;                             \
        const int32_t out_h = output_dims->h, out_w = output_dims->w;                                                \
                                                                                                                     \
        for (int32_t b = 0; b < output_dims->n; b++) {                                                               \
            for (int32_t oy = 0; oy < out_h; oy++) {                                                                 \
                const int32_t y0 = oy * params->stride.h - params->padding.h;                                        \
                const tb_span_t rows = tb_pool_clip(y0, params->filter.h, in_h);                                     \
                for (int32_t ox = 0; ox < out_w; ox++) {                                                             \
                    const int32_t x0 = ox * params->stride.w - params->padding.w;                                    \
                    const tb_span_t cols = tb_pool_clip(x0, params->filter.w, in_w);                                 \
                    for (int32_t c = 0; c < depth; c++) {                                                            \
                        int32_t max = (lo);                                                                          \
                        for (int32_t fy = rows.start; fy < rows.end; fy++) {                                         \
                            for (int32_t fx = cols.start; fx < cols.end; fx++) {                                     \
                                const int32_t v = input[tb_nhwc_offset(in_h, in_w, depth, b, y0 + fy, x0 + fx, c)];  \
                                max = v > max ? v : max;                                                             \
                            }                                                                                        \
                        }                                                                                            \
                        max = tb_clamp_s32(max, params->activation.min, params->activation.max);                     \
                        output[tb_nhwc_offset(out_h, out_w, depth, b, oy, ox, c)] = (type)max;                       \
                    }                                                                                                \
                }                                                                                                    \
            }                                                                                                        \
        }                                                                                                            \
        return TB_OK;                                                                                                \
    }

#define TB_DEFINE_AVG_POOL2D(fn, type)                                                                \
    tb_status_t fn(const tb_pool_params_t *params,                                                        \
                                 const tb_dims_t *input_dims,                                             \
                                 const type *input,                                                       \
                                 const tb_dims_t *output_dims,                                            \
                                 type *output)                                                            \
    {                                                                                                     \
        if (params == NULL || input_dims == NULL || input == NULL || output_dims == NULL ||               \
            output == NULL) {                                                                             \
            return TB_ERR_ARG;                                                                            \
        }                                                                                                 \
        const tb_status_t status = tb_pool_check_shapes(&params->stride, &params->padding,                \
                                                        &params->filter, input_dims, output_dims);        \
        if (status != TB_OK) {                                                                            \
            return status;                                                                                \
        }                                                                                                 \
        if (params->activation.min > params->activation.max) {                                            \
            return TB_ERR_ARG;                                                                            \
        }                                                                                                 \
                                                                                                          \
        const int32_t in_h = input_dims->h, in_w = input_dims->w, depth = input_dims->c;                  \
        const int32_t out_h = output_dims->h, out_w = output_dims->w;                                     \
                                                                                                          \
        for (int32_t b = 0; b < output_dims->n; b++) {                                                    \
            for (int32_t oy = 0; oy < out_h; oy++) {                                                      \
                const int32_t y0 = oy * params->stride.h - params->padding.h;                             \
                const tb_span_t rows = tb_pool_clip(y0, params->filter.h, in_h);                          \
                for (int32_t ox = 0; ox < out_w; ox++) {                                                  \
                    const int32_t x0 = ox * params->stride.w - params->padding.w;                         \
                    const tb_span_t cols = tb_pool_clip(x0, params->filter.w, in_w);                      \
                    /* Taps inside the input; a window entirely in the padding has none. */               \
                    const int32_t count = (rows.end - rows.start) * (cols.end - cols.start);              \
                    if (rows.end <= rows.start || cols.end <= cols.start) {                               \
                        return TB_ERR_ARG;                                                                \
                    }                                                                                     \
                    for (int32_t c = 0; c < depth; c++) {                                                 \
                        int32_t acc = 0;                                                                  \
                        for (int32_t fy = rows.start; fy < rows.end; fy++) {                              \
                            for (int32_t fx = cols.start; fx < cols.end; fx++) {                          \
                                acc += input[tb_nhwc_offset(in_h, in_w, depth, b, y0 + fy, x0 + fx, c)];  \
                            }                                                                             \
                        }                                                                                 \
                        /* Round half away from zero; C division truncates toward zero. */                \
                        acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;            \
                        acc = tb_clamp_s32(acc, params->activation.min, params->activation.max);          \
                        output[tb_nhwc_offset(out_h, out_w, depth, b, oy, ox, c)] = (type)acc;            \
                    }                                                                                     \
                }                                                                                         \
            }                                                                                             \
        }                                                                                                 \
        return TB_OK;                                                                                     \
    }

#endif /* TB_POOL2D_INT_IMPL_H */
