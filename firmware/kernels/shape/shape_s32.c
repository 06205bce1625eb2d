/* SHAPE with an int32 output. */
#include <stddef.h>

#include "shape/tb_shape.h"

tb_status_t tb_shape_s32(const int32_t *dims, int32_t rank, int32_t *output)
{
    if (dims == NULL || output == NULL || rank < 0) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < rank; i++) {
        output[i] = dims[i];
    }
    return TB_OK;
}
