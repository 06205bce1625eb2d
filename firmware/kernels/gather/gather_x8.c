/* GATHER, byte-wise: int8, float32 values; int32 indices. */
#include <stddef.h>
#include <string.h>

#include "gather/tb_gather.h"

tb_status_t tb_gather_x8(const tb_gather_params_t *params, const void *input, const int32_t *indices,
                         void *output)
{
    if (params == NULL || input == NULL || indices == NULL || output == NULL || params->batches < 0 ||
        params->outer < 0 || params->coords < 0 || params->axis_size < 0 || params->inner_bytes < 0) {
        return TB_ERR_ARG;
    }
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    const size_t inner = (size_t)params->inner_bytes;
    for (int32_t b = 0; b < params->batches; b++) {
        const int32_t *batch_indices = indices + b * params->coords;
        for (int32_t o = 0; o < params->outer; o++) {
            const uint8_t *rows = in + ((size_t)b * (size_t)params->outer + (size_t)o) * (size_t)params->axis_size * inner;
            for (int32_t c = 0; c < params->coords; c++) {
                const int32_t index = batch_indices[c];
                if (index < 0 || index >= params->axis_size) {
                    return TB_ERR_ARG;
                }
                memcpy(out, rows + (size_t)index * inner, inner);
                out += inner;
            }
        }
    }
    return TB_OK;
}
