/* CONCATENATION, byte-wise: int8 with equal quantization, uint8, int16, int32, float32. */
#include <stddef.h>
#include <string.h>

#include "concatenation/tb_concatenation.h"

tb_status_t tb_concatenation_x8(const tb_concatenation_params_t *params, void *output)
{
    if (params == NULL || output == NULL || params->count < 0 || params->count > TB_CONCAT_MAX_INPUTS ||
        params->outer < 0) {
        return TB_ERR_ARG;
    }
    const uint8_t *cursor[TB_CONCAT_MAX_INPUTS];
    for (int32_t k = 0; k < params->count; k++) {
        if (params->inputs[k] == NULL || params->bytes[k] < 0) {
            return TB_ERR_ARG;
        }
        cursor[k] = (const uint8_t *)params->inputs[k];
    }
    uint8_t *out = (uint8_t *)output;
    for (int32_t row = 0; row < params->outer; row++) {
        for (int32_t k = 0; k < params->count; k++) {
            const size_t bytes = (size_t)params->bytes[k];
            memcpy(out, cursor[k], bytes);
            out += bytes;
            cursor[k] += bytes;
        }
    }
    return TB_OK;
}
