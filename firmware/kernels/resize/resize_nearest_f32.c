/* float32 RESIZE_NEAREST_NEIGHBOR as TFLM's reference kernel: each output pixel copies the depth
 * vector of the input pixel the generator's row and column tables name. */
#include <stddef.h>
#include <string.h>

#include "resize/tb_resize.h"

tb_status_t tb_resize_nearest_f32(const tb_resize_nearest_params_t *params, const float *input, float *output)
{
    if (params == NULL || input == NULL || output == NULL || !tb_resize_shape_valid(&params->shape)) {
        return TB_ERR_ARG;
    }
    const tb_resize_shape_t *s = &params->shape;
    if (!tb_resize_indices_valid(params->rows, s->out_h, 1, s->in_h) ||
        !tb_resize_indices_valid(params->cols, s->out_w, 1, s->in_w)) {
        return TB_ERR_ARG;
    }
    const size_t depth = (size_t)s->depth;
    const size_t row_size = (size_t)s->in_w * depth;
    float *out = output;
    for (int32_t b = 0; b < s->batches; b++) {
        const float *batch = input + (size_t)b * (size_t)s->in_h * row_size;
        for (int32_t y = 0; y < s->out_h; y++) {
            const float *row = batch + (size_t)params->rows[y] * row_size;
            for (int32_t x = 0; x < s->out_w; x++) {
                memcpy(out, row + (size_t)params->cols[x] * depth, depth * sizeof(*out));
                out += depth;
            }
        }
    }
    return TB_OK;
}
