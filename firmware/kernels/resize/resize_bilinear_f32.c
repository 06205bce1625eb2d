/* float32 RESIZE_BILINEAR as TFLM's ResizeBilinear: the four neighbours times the row and column
 * weights, added in TFLM's order (each term left to right). */
#include <stddef.h>

#include "resize/tb_resize.h"

tb_status_t tb_resize_bilinear_f32(const tb_resize_bilinear_f32_params_t *params, const float *input, float *output)
{
    if (params == NULL || input == NULL || output == NULL || !tb_resize_shape_valid(&params->shape)) {
        return TB_ERR_ARG;
    }
    const tb_resize_shape_t *s = &params->shape;
    if (!tb_resize_indices_valid(params->rows, s->out_h, 2, s->in_h) ||
        !tb_resize_indices_valid(params->cols, s->out_w, 2, s->in_w)) {
        return TB_ERR_ARG;
    }
    const size_t depth = (size_t)s->depth;
    const size_t row_size = (size_t)s->in_w * depth;
    for (int32_t b = 0; b < s->batches; b++) {
        const float *batch = input + (size_t)b * (size_t)s->in_h * row_size;
        for (int32_t y = 0; y < s->out_h; y++) {
            const float *row0 = batch + (size_t)params->rows[2 * y] * row_size;
            const float *row1 = batch + (size_t)params->rows[2 * y + 1] * row_size;
            const float wy0 = params->row_weights[2 * y];
            const float wy1 = params->row_weights[2 * y + 1];
            for (int32_t x = 0; x < s->out_w; x++) {
                const size_t x0 = (size_t)params->cols[2 * x] * depth;
                const size_t x1 = (size_t)params->cols[2 * x + 1] * depth;
                const float wx0 = params->col_weights[2 * x];
                const float wx1 = params->col_weights[2 * x + 1];
                float *out = output + (((size_t)b * (size_t)s->out_h + (size_t)y) * (size_t)s->out_w + (size_t)x) * depth;
                for (size_t c = 0; c < depth; c++) {
                    out[c] = row0[x0 + c] * wy0 * wx0 + row1[x0 + c] * wy1 * wx0 + row0[x1 + c] * wy0 * wx1 +
                             row1[x1 + c] * wy1 * wx1 + 0.0f;
                }
            }
        }
    }
    return TB_OK;
}
