/* ADD_N (float32): x = 0.0f, then x += input[j][i] for every input in order, as TFLM's AddN. */
#include <stddef.h>

#include "add_n/tb_add_n.h"

tb_status_t tb_add_n_f32(const tb_add_n_f32_params_t *params, int32_t size, float *output)
{
    if (params == NULL || output == NULL || size < 0 || params->count < 1 || params->count > TB_ADD_N_MAX_INPUTS) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        float sum = 0.0f;
        for (int32_t j = 0; j < params->count; j++) {
            sum += params->inputs[j][i];
        }
        output[i] = sum;
    }
    return TB_OK;
}
