/* int8 RESIZE_BILINEAR as TFLM's ResizeBilinearInteger: the four neighbours weighted in 1/1024
 * steps per axis, summed in int64 (2^20 per unit), rounded half away from zero. */
#include <stddef.h>

#include "resize/tb_resize.h"

tb_status_t tb_resize_bilinear_s8(const tb_resize_bilinear_params_t *params, const int8_t *input, int8_t *output)
{
    if (params == NULL || input == NULL || output == NULL || !tb_resize_shape_valid(&params->shape)) {
        return TB_ERR_ARG;
    }
    const tb_resize_shape_t *s = &params->shape;
    if (!tb_resize_indices_valid(params->rows, s->out_h, 3, s->in_h) ||
        !tb_resize_indices_valid(params->cols, s->out_w, 3, s->in_w)) {
        return TB_ERR_ARG;
    }
    const size_t depth = (size_t)s->depth;
    const size_t row_size = (size_t)s->in_w * depth;
    for (int32_t b = 0; b < s->batches; b++) {
        const int8_t *batch = input + (size_t)b * (size_t)s->in_h * row_size;
        for (int32_t y = 0; y < s->out_h; y++) {
            const int8_t *row0 = batch + (size_t)params->rows[3 * y] * row_size;
            const int8_t *row1 = batch + (size_t)params->rows[3 * y + 1] * row_size;
            const int64_t dy = params->rows[3 * y + 2];
            for (int32_t x = 0; x < s->out_w; x++) {
                const size_t x0 = (size_t)params->cols[3 * x] * depth;
                const size_t x1 = (size_t)params->cols[3 * x + 1] * depth;
                const int64_t dx = params->cols[3 * x + 2];
                int8_t *out = output + (((size_t)b * (size_t)s->out_h + (size_t)y) * (size_t)s->out_w + (size_t)x) * depth;
                for (size_t c = 0; c < depth; c++) {
                    const int64_t sum = (int64_t)row0[x0 + c] * (1024 - dy) * (1024 - dx) +
                                        (int64_t)row1[x0 + c] * dy * (1024 - dx) +
                                        (int64_t)row0[x1 + c] * (1024 - dy) * dx +
                                        (int64_t)row1[x1 + c] * dy * dx;
                    const int64_t round = sum > 0 ? ((int64_t)1 << 19) : -((int64_t)1 << 19);
                    out[c] = (int8_t)((sum + round) / ((int64_t)1 << 20));
                }
            }
        }
    }
    return TB_OK;
}
