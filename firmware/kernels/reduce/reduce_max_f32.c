/* float32 REDUCE_MAX as TFLM's ReduceGeneric: start from -FLT_MAX and keep each element
 * that is greater than the current value. */
#include <float.h>
#include <stddef.h>

#include "reduce/reduce_common.h"
#include "reduce/tb_reduce.h"

tb_status_t tb_reduce_max_f32(const tb_reduce_shape_t *shape, const float *input, float *output)
{
    if (shape == NULL || input == NULL || output == NULL || !tb_reduce_shape_valid(shape)) {
        return TB_ERR_ARG;
    }
    const int32_t outputs = tb_reduce_product(shape->outer_dims);
    const int32_t count = tb_reduce_product(shape->inner_dims);
    for (int32_t o = 0; o < outputs; o++) {
        const float *base = input + tb_reduce_offset(o, shape->outer_dims, shape->outer_strides);
        float current = -FLT_MAX;
        for (int32_t r = 0; r < count; r++) {
            const float value = base[tb_reduce_offset(r, shape->inner_dims, shape->inner_strides)];
            current = (value > current) ? value : current;
        }
        output[o] = current;
    }
    return TB_OK;
}
