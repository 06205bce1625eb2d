/* int32 MAXIMUM. */
#include <stddef.h>

#include "elementwise/broadcast.h"
#include "elementwise_s32/tb_elementwise_s32.h"

static inline void tb_maximum_s32_element(const void *args, size_t index, size_t offset1, size_t offset2)
{
    tb_binary_s32_args_t *a = (tb_binary_s32_args_t *)(uintptr_t)args;
    const int32_t x = a->input1[offset1];
    const int32_t y = a->input2[offset2];
    a->output[index] = x > y ? x : y;
}

tb_status_t tb_maximum_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2, int32_t *output)
{
    if (tb_broadcast_check(shape) != TB_OK) {
        return TB_ERR_ARG;
    }
    tb_binary_s32_args_t args = {input1, input2, output, 0};
    tb_broadcast_walk(shape, tb_maximum_s32_element, &args);
    return args.failed ? TB_ERR_ARG : TB_OK;
}
