/* int8 BATCH_MATMUL as TFLM's reference kernel: an exact int32 sum of zero-point-corrected
 * products, rescaled with the 32-bit MultiplyByQuantizedMultiplier, offset and clamped. */
#include <stddef.h>

#include "batch_matmul/tb_batch_matmul.h"
#include "common/tb_requant.h"

tb_status_t tb_batch_matmul_s8(const tb_batch_matmul_shape_t *shape, const tb_batch_matmul_params_t *params,
                               const int8_t *lhs, const int8_t *rhs, int8_t *output)
{
    if (shape == NULL || params == NULL || lhs == NULL || rhs == NULL || output == NULL ||
        !tb_batch_matmul_shape_valid(shape) || params->quant.shift < -31 || params->quant.shift > 30) {
        return TB_ERR_ARG;
    }
    const tb_batch_matmul_shape_t *s = shape;
    int8_t *out = output;
    for (int32_t b0 = 0; b0 < s->batches[0]; b0++) {
        for (int32_t b1 = 0; b1 < s->batches[1]; b1++) {
            for (int32_t b2 = 0; b2 < s->batches[2]; b2++) {
                const int8_t *l = lhs + (size_t)b0 * (size_t)s->lhs_batch_strides[0] +
                                  (size_t)b1 * (size_t)s->lhs_batch_strides[1] +
                                  (size_t)b2 * (size_t)s->lhs_batch_strides[2];
                const int8_t *r = rhs + (size_t)b0 * (size_t)s->rhs_batch_strides[0] +
                                  (size_t)b1 * (size_t)s->rhs_batch_strides[1] +
                                  (size_t)b2 * (size_t)s->rhs_batch_strides[2];
                for (int32_t i = 0; i < s->rows; i++) {
                    for (int32_t j = 0; j < s->cols; j++) {
                        uint32_t total = 0u; /* int32 with wrap-around */
                        for (int32_t k = 0; k < s->depth; k++) {
                            const int32_t rv = r[(size_t)k * (size_t)s->rhs_depth_stride +
                                                 (size_t)j * (size_t)s->rhs_col_stride] + params->rhs_offset;
                            const int32_t lv = l[(size_t)i * (size_t)s->lhs_row_stride +
                                                 (size_t)k * (size_t)s->lhs_depth_stride] + params->lhs_offset;
                            total += (uint32_t)(rv * lv);
                        }
                        int32_t value = tb_multiply_by_quantized_multiplier((int32_t)total, params->quant.multiplier,
                                                                            params->quant.shift);
                        value += params->output_offset;
                        *out++ = (int8_t)tb_clamp_s32(value, -128, 127);
                    }
                }
            }
        }
    }
    return TB_OK;
}
