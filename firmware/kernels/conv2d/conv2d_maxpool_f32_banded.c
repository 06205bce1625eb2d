/* float32 CONV_2D + MAX_POOL_2D in row bands (see tb_conv2d_fused.h). */
#include <stddef.h>

#include "conv2d/conv2d_common.h"
#include "conv2d/conv2d_f32_rows.h"
#include "conv2d/tb_conv2d_fused.h"
#include "pooling/max_pool2d_f32_row.h"
#include "pooling/pooling_common.h"

tb_status_t tb_conv2d_maxpool_f32_banded(const tb_conv_maxpool_f32_params_t *params,
                                         const tb_dims_t *input_dims,
                                         const float *input,
                                         const tb_dims_t *filter_dims,
                                         const float *filter,
                                         const tb_dims_t *bias_dims,
                                         const float *bias,
                                         const tb_dims_t *output_dims,
                                         float *output,
                                         float *band)
{
    if (params == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL || band == NULL) {
        return TB_ERR_ARG;
    }
    const tb_conv_f32_params_t *conv = &params->conv;
    const tb_pool_f32_params_t *pool = &params->pool;
    const tb_dims_t *mid = &params->conv_output_dims;
    tb_status_t status = tb_conv2d_check_shapes(&conv->stride, &conv->padding, &conv->dilation,
                                                input_dims, filter_dims, bias_dims, bias != NULL, mid);
    if (status != TB_OK) {
        return status;
    }
    status = tb_pool_check_shapes(&pool->stride, &pool->padding, &pool->filter, mid, output_dims);
    if (status != TB_OK) {
        return status;
    }
    if (!(conv->activation.min <= conv->activation.max) ||
        !(pool->activation.min <= pool->activation.max)) {
        return TB_ERR_ARG;
    }
    const int32_t needed = pool->filter.h < mid->h ? pool->filter.h : mid->h;
    if (params->band_rows < needed) {
        return TB_ERR_ARG;
    }

    const int32_t out_h = output_dims->h, out_w = output_dims->w, depth = mid->c;
    const size_t out_row = (size_t)out_w * (size_t)depth;
    for (int32_t b = 0; b < output_dims->n; b++) {
        for (int32_t oy = 0; oy < out_h; oy++) {
            const int32_t y0 = oy * pool->stride.h - pool->padding.h;
            const tb_span_t span = tb_pool_clip(y0, pool->filter.h, mid->h);
            const int32_t first = y0 + span.start;
            const int32_t last = y0 + span.end; /* exclusive; last > first by the pool checks */
            tb_conv2d_f32_rows(conv, input_dims, input, filter_dims, filter, bias, mid, b, first,
                               last, band);
            tb_max_pool2d_f32_row(pool, mid->h, mid->w, depth, band, first, oy, out_w,
                                  output + ((size_t)b * (size_t)out_h + (size_t)oy) * out_row);
        }
    }
    return TB_OK;
}
