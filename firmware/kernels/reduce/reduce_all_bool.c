/* bool REDUCE_ALL as TFLM's ReduceGeneric: start from true and and-in each reduced element. */
#include <stddef.h>

#include "reduce/reduce_common.h"
#include "reduce/tb_reduce.h"

tb_status_t tb_reduce_all_bool(const tb_reduce_shape_t *shape, const bool *input, bool *output)
{
    if (shape == NULL || input == NULL || output == NULL || !tb_reduce_shape_valid(shape)) {
        return TB_ERR_ARG;
    }
    const int32_t outputs = tb_reduce_product(shape->outer_dims);
    const int32_t count = tb_reduce_product(shape->inner_dims);
    for (int32_t o = 0; o < outputs; o++) {
        const bool *base = input + tb_reduce_offset(o, shape->outer_dims, shape->outer_strides);
        bool current = true;
        for (int32_t r = 0; r < count; r++) {
            current = base[tb_reduce_offset(r, shape->inner_dims, shape->inner_strides)] && current;
        }
        output[o] = current;
    }
    return TB_OK;
}
