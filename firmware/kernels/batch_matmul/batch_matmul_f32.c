/* float32 BATCH_MATMUL as TFLM's reference kernel: each output a float sum of products from 0,
 * in depth order. */
#include <stddef.h>

#include "batch_matmul/tb_batch_matmul.h"

tb_status_t tb_batch_matmul_f32(const tb_batch_matmul_shape_t *shape, const float *lhs, const float *rhs,
                                float *output)
{
    if (shape == NULL || lhs == NULL || rhs == NULL || output == NULL || !tb_batch_matmul_shape_valid(shape)) {
        return TB_ERR_ARG;
    }
    const tb_batch_matmul_shape_t *s = shape;
    float *out = output;
    for (int32_t b0 = 0; b0 < s->batches[0]; b0++) {
        for (int32_t b1 = 0; b1 < s->batches[1]; b1++) {
            for (int32_t b2 = 0; b2 < s->batches[2]; b2++) {
                const float *l = lhs + (size_t)b0 * (size_t)s->lhs_batch_strides[0] +
                                 (size_t)b1 * (size_t)s->lhs_batch_strides[1] +
                                 (size_t)b2 * (size_t)s->lhs_batch_strides[2];
                const float *r = rhs + (size_t)b0 * (size_t)s->rhs_batch_strides[0] +
                                 (size_t)b1 * (size_t)s->rhs_batch_strides[1] +
                                 (size_t)b2 * (size_t)s->rhs_batch_strides[2];
                for (int32_t i = 0; i < s->rows; i++) {
                    for (int32_t j = 0; j < s->cols; j++) {
                        float total = 0.0f;
                        for (int32_t k = 0; k < s->depth; k++) {
                            total += r[(size_t)k * (size_t)s->rhs_depth_stride + (size_t)j * (size_t)s->rhs_col_stride] *
                                     l[(size_t)i * (size_t)s->lhs_row_stride + (size_t)k * (size_t)s->lhs_depth_stride];
                        }
                        *out++ = total;
                    }
                }
            }
        }
    }
    return TB_OK;
}
