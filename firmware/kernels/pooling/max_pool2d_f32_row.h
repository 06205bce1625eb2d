/* One output row of the float32 MAX_POOL_2D, shared by tb_max_pool2d_f32 and the banded conv +
 * pool kernels (same comparisons in the same order, so the same bits). */
#ifndef TB_MAX_POOL2D_F32_ROW_H
#define TB_MAX_POOL2D_F32_ROW_H

#include <float.h>
#include <stddef.h>
#include <stdint.h>

#include "common/tb_float.h"
#include "pooling/pooling_common.h"
#include "pooling/tb_pooling.h"

/* Output row `oy` of one batch into `dest` (out_w x depth floats). `rows` holds input rows
 * first_row.. of that batch (in_w x depth floats each); the caller guarantees they cover the
 * clipped window of row oy. */
static inline void tb_max_pool2d_f32_row(const tb_pool_f32_params_t *params,
                                         int32_t in_h,
                                         int32_t in_w,
                                         int32_t depth,
                                         const float *rows,
                                         int32_t first_row,
                                         int32_t oy,
                                         int32_t out_w,
                                         float *dest)
{
    const int32_t y0 = oy * params->stride.h - params->padding.h;
    const tb_span_t span = tb_pool_clip(y0, params->filter.h, in_h);
    for (int32_t ox = 0; ox < out_w; ox++) {
        const int32_t x0 = ox * params->stride.w - params->padding.w;
        const tb_span_t cols = tb_pool_clip(x0, params->filter.w, in_w);
        for (int32_t c = 0; c < depth; c++) {
            float max = -FLT_MAX;
            for (int32_t fy = span.start; fy < span.end; fy++) {
                const float *row = rows + (size_t)(y0 + fy - first_row) * (size_t)in_w * (size_t)depth;
                for (int32_t fx = cols.start; fx < cols.end; fx++) {
                    const float v = row[(size_t)(x0 + fx) * (size_t)depth + (size_t)c];
                    /* std::max(max, v): keeps max unless max < v (a NaN tap is ignored). */
                    max = max < v ? v : max;
                }
            }
            dest[(size_t)ox * (size_t)depth + (size_t)c] =
                tb_clamp_f32(max, params->activation.min, params->activation.max);
        }
    }
}

#endif /* TB_MAX_POOL2D_F32_ROW_H */
