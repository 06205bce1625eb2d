/* int16 SUB with broadcasting, matching TFLM's reference kernel bit for bit: the general
 * int16 path (left shift 15, three multipliers), which TFLM's micro kernel always takes. */
#include <stddef.h>

#include "elementwise/add_sub_common.h"
#include "elementwise/broadcast.h"
#include "elementwise/tb_elementwise.h"

static inline void tb_sub_s16_element(const void *args, size_t index, size_t offset1, size_t offset2)
{
    const tb_add_sub_s16_args_t *a = args;
    int32_t scaled1;
    int32_t scaled2;
    tb_add_sub_s16_scale_inputs(a, offset1, offset2, &scaled1, &scaled2);
    a->output[index] = (int16_t)tb_add_sub_finish_s32(scaled1 - scaled2, a->params); /* difference on the common scale */
}

tb_status_t tb_sub_s16(const tb_add_params_t *params,
                       const tb_broadcast_t *shape,
                       const int16_t *input1,
                       const int16_t *input2,
                       int16_t *output)
{
    return tb_add_sub_s16_run(params, shape, input1, input2, output, tb_sub_s16_element);
}
