/* GATHER_ND, byte-wise: int8, float32 values; int32 index tuples. */
#include <stddef.h>
#include <string.h>

#include "gather/tb_gather.h"

tb_status_t tb_gather_nd_x8(const tb_gather_nd_params_t *params, const void *input, const int32_t *indices,
                            void *output)
{
    if (params == NULL || input == NULL || indices == NULL || output == NULL || params->slices < 0 ||
        params->nd < 0 || params->nd > TB_GATHER_ND_MAX || params->slice_bytes < 0) {
        return TB_ERR_ARG;
    }
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    for (int32_t i = 0; i < params->slices; i++) {
        int32_t from = 0;
        for (int32_t j = 0; j < params->nd; j++) {
            from += indices[i * params->nd + j] * params->stride_bytes[j];
        }
        if (from < 0 || from + params->slice_bytes > params->input_bytes) {
            return TB_ERR_ARG;
        }
        memcpy(out, in + from, (size_t)params->slice_bytes);
        out += params->slice_bytes;
    }
    return TB_OK;
}
