/* float32 ADD with broadcasting, as TFLM's float reference: one IEEE operation, then
 * min(max(x, activation.min), activation.max) (a NaN passes through unchanged). */
#include <stddef.h>

#include "common/tb_float.h"
#include "elementwise/broadcast.h"
#include "elementwise/tb_elementwise.h"

tb_status_t tb_add_f32(const tb_activation_f32_t *activation,
                       const tb_broadcast_t *shape,
                       const float *input1,
                       const float *input2,
                       float *output)
{
    if (activation == NULL || input1 == NULL || input2 == NULL || output == NULL) {
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
    float *out = output;
    for (int32_t row = 0; row < rows; row++) {
        size_t offset1;
        size_t offset2;
        tb_broadcast_row_offsets(shape, row, &offset1, &offset2);
        for (int32_t i = 0; i < width; i++) {
            const float value = input1[offset1] + input2[offset2];
            *out++ = tb_clamp_f32(value, activation->min, activation->max);
            offset1 += step1;
            offset2 += step2;
        }
    }
    return TB_OK;
}
