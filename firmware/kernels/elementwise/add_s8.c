/* int8 ADD with broadcasting, matching TFLM's reference kernel bit for bit. */
#include <stddef.h>

#include "elementwise/add_sub_common.h"
#include "elementwise/broadcast.h"
#include "elementwise/tb_elementwise.h"

tb_status_t tb_add_s8(const tb_add_params_t *params,
                      const tb_broadcast_t *shape,
                      const int8_t *input1,
                      const int8_t *input2,
                      int8_t *output)
{
    const tb_status_t status = tb_add_sub_check(params, shape, input1, input2, output);
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
            const int32_t scaled1 = tb_add_sub_scale_input(input1[offset1], params->input1_offset,
                                                           params->left_shift, &params->input1_quant);
            const int32_t scaled2 = tb_add_sub_scale_input(input2[offset2], params->input2_offset,
                                                           params->left_shift, &params->input2_quant);
            *out++ = tb_add_sub_finish(scaled1 + scaled2, params); /* sum on the common scale */
            offset1 += step1;
            offset2 += step2;
        }
    }
    return TB_OK;
}
