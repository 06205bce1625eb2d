/* float32 CUMSUM as TFLM's reference CumSum: running float sums from 0 along the axis. */
#include <stddef.h>

#include "cumsum/tb_cumsum.h"

tb_status_t tb_cumsum_f32(const tb_cumsum_shape_t *shape, const float *input, float *output)
{
    if (shape == NULL || input == NULL || output == NULL || shape->inner < 1 || shape->depth < 1 ||
        shape->outer < 1) {
        return TB_ERR_ARG;
    }
    const size_t inner = (size_t)shape->inner, depth = (size_t)shape->depth, outer = (size_t)shape->outer;
    for (size_t o = 0; o < outer; o++) {
        const size_t oa = shape->reverse ? outer - 1 - o : o;
        for (size_t i = 0; i < inner; i++) {
            const size_t ia = shape->reverse ? inner - 1 - i : i;
            float acc = 0.0f;
            for (size_t d = 0; d < depth; d++) {
                const size_t da = shape->reverse ? depth - 1 - d : d;
                const size_t index = oa + ia * depth * outer + da * outer;
                if (shape->exclusive) {
                    output[index] = acc;
                    acc = acc + input[index];
                } else {
                    acc = acc + input[index];
                    output[index] = acc;
                }
            }
        }
    }
    return TB_OK;
}
