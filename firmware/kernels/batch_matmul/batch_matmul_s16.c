/* int16 BATCH_MATMUL as TFLM's reference kernel: an exact int64 sum of products (zero points
 * are 0, TFLM's rule), rescaled with TFLM's 64-bit MultiplyByQuantizedMultiplier (the
 * multiplier rounded to 16 bits, one rounding shift), offset and clamped. */
#include <stddef.h>

#include "batch_matmul/tb_batch_matmul.h"
#include "common/tb_requant.h"

static int32_t tb_multiply_by_quantized_multiplier_64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int64_t reduced = multiplier < 0x7FFF0000 ? (int64_t)((multiplier + (1 << 15)) >> 16) : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    const int64_t rounded = x * reduced + ((int64_t)1 << (total_shift - 1));
    return (int32_t)(rounded >> total_shift);
}

tb_status_t tb_batch_matmul_s16(const tb_batch_matmul_shape_t *shape, const tb_batch_matmul_params_t *params,
                                const int16_t *lhs, const int16_t *rhs, int16_t *output)
{
    if (shape == NULL || params == NULL || lhs == NULL || rhs == NULL || output == NULL ||
        !tb_batch_matmul_shape_valid(shape) || params->quant.shift < -31 || params->quant.shift > 7 ||
        params->quant.multiplier < 0) {
        return TB_ERR_ARG;
    }
    const tb_batch_matmul_shape_t *s = shape;
    int16_t *out = output;
    for (int32_t b0 = 0; b0 < s->batches[0]; b0++) {
        for (int32_t b1 = 0; b1 < s->batches[1]; b1++) {
            for (int32_t b2 = 0; b2 < s->batches[2]; b2++) {
                const int16_t *l = lhs + (size_t)b0 * (size_t)s->lhs_batch_strides[0] +
                                   (size_t)b1 * (size_t)s->lhs_batch_strides[1] +
                                   (size_t)b2 * (size_t)s->lhs_batch_strides[2];
                const int16_t *r = rhs + (size_t)b0 * (size_t)s->rhs_batch_strides[0] +
                                   (size_t)b1 * (size_t)s->rhs_batch_strides[1] +
                                   (size_t)b2 * (size_t)s->rhs_batch_strides[2];
                for (int32_t i = 0; i < s->rows; i++) {
                    for (int32_t j = 0; j < s->cols; j++) {
                        int64_t total = 0;
                        for (int32_t k = 0; k < s->depth; k++) {
                            const int64_t rv = (int64_t)r[(size_t)k * (size_t)s->rhs_depth_stride +
                                                          (size_t)j * (size_t)s->rhs_col_stride] + params->rhs_offset;
                            const int64_t lv = (int64_t)l[(size_t)i * (size_t)s->lhs_row_stride +
                                                          (size_t)k * (size_t)s->lhs_depth_stride] + params->lhs_offset;
                            total += rv * lv;
                        }
                        int32_t value = tb_multiply_by_quantized_multiplier_64(total, params->quant.multiplier,
                                                                               params->quant.shift);
                        value += params->output_offset;
                        *out++ = (int16_t)tb_clamp_s32(value, -32768, 32767);
                    }
                }
            }
        }
    }
    return TB_OK;
}
