/* int8 MUL with broadcasting, matching TFLM's reference kernel bit for bit. */
#include <stddef.h>

#include "common/tb_fixedpoint.h"
#include "elementwise/broadcast.h"
#include "elementwise/tb_elementwise.h"

tb_status_t tb_mul_s8(const tb_mul_params_t *params,
                      const tb_broadcast_t *shape,
                      const int8_t *input1,
                      const int8_t *input2,
                      int8_t *output)
{
    if (params == NULL || input1 == NULL || input2 == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (params->output_quant.shift < -31 || params->output_quant.shift > 31 ||
        params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    const tb_status_t status = tb_broadcast_check(shape);
    if (status != TB_OK) {
        return status;
    }
    const int32_t rows = tb_broadcast_rows(shape);
    const int32_t width = shape->dims[TB_BROADCAST_MAX_RANK - 1];
    const size_t step1 = (size_t)shape->input1_strides[TB_BROADCAST_MAX_RANK - 1];
    const size_t step2 = (size_t)shape->input2_strides[TB_BROADCAST_MAX_RANK - 1];
    int8_t *out = output;
    for (int32_t row = 0; row < rows; row++) {
        size_t offset1;
        size_t offset2;
        tb_broadcast_row_offsets(shape, row, &offset1, &offset2);
        for (int32_t i = 0; i < width; i++) {
            const int32_t a = (int32_t)input1[offset1] + params->input1_offset;
            const int32_t b = (int32_t)input2[offset2] + params->input2_offset;
            int32_t value = tb_multiply_by_quantized_multiplier(a * b, params->output_quant.multiplier,
                                                                params->output_quant.shift);
            value += params->output_offset;
            *out++ = (int8_t)tb_clamp_s32(value, params->activation.min, params->activation.max);
            offset1 += step1;
            offset2 += step2;
        }
    }
    return TB_OK;
}
