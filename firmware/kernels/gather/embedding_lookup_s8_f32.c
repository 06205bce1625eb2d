/* EMBEDDING_LOOKUP with int8 values and a float32 output: rows dequantized on the way out. */
#include <stddef.h>

#include "gather/tb_gather.h"

tb_status_t tb_embedding_lookup_s8_f32(const tb_embedding_lookup_params_t *params, const int8_t *value,
                                       const int32_t *ids, float *output)
{
    if (params == NULL || value == NULL || ids == NULL || output == NULL || params->ids < 0 || params->rows < 0 ||
        params->columns < 0) {
        return TB_ERR_ARG;
    }
    const int32_t columns = params->columns;
    for (int32_t i = 0; i < params->ids; i++) {
        const int32_t row = ids[i];
        if (row < 0 || row >= params->rows) {
            return TB_ERR_ARG;
        }
        const int8_t *src = value + (size_t)row * (size_t)columns;
        for (int32_t c = 0; c < columns; c++) {
            *output++ = (float)src[c] * params->scale;
        }
    }
    return TB_OK;
}
