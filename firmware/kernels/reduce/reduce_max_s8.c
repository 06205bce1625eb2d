/* int8 REDUCE_MAX as TFLM's ReduceGeneric: start from INT8_MIN and keep each element
 * that is greater than the current value. */
#include <stddef.h>

#include "reduce/reduce_common.h"
#include "reduce/tb_reduce.h"

tb_status_t tb_reduce_max_s8(const tb_reduce_shape_t *shape, const int8_t *input, int8_t *output)
{
    if (shape == NULL || input == NULL || output == NULL || !tb_reduce_shape_valid(shape)) {
        return TB_ERR_ARG;
    }
    const int32_t outputs = tb_reduce_product(shape->outer_dims);
    const int32_t count = tb_reduce_product(shape->inner_dims);
    for (int32_t o = 0; o < outputs; o++) {
        const int8_t *base = input + tb_reduce_offset(o, shape->outer_dims, shape->outer_strides);
        int8_t current = INT8_MIN;
        for (int32_t r = 0; r < count; r++) {
            const int8_t value = base[tb_reduce_offset(r, shape->inner_dims, shape->inner_strides)];
            current = (value > current) ? value : current;
        }
        output[o] = current;
    }
    return TB_OK;
}
