/* int8 ARG_MIN (int32 indices) as TFLM's reference ArgMinMax: the index along the
 * axis of the first best value (a later one replaces it only when it compares strictly better). */
#include <stddef.h>

#include "reduce/tb_reduce.h"

tb_status_t tb_arg_min_s8(const tb_arg_params_t *params, const int8_t *input, int32_t *output)
{
    if (params == NULL || input == NULL || output == NULL || params->outer < 1 || params->axis_size < 1 ||
        params->inner < 1) {
        return TB_ERR_ARG;
    }
    const int32_t axis_size = params->axis_size;
    const int32_t inner = params->inner;
    for (int32_t o = 0; o < params->outer; o++) {
        const int8_t *slab = input + (size_t)o * (size_t)axis_size * (size_t)inner;
        for (int32_t i = 0; i < inner; i++) {
            int8_t best = slab[i];
            int32_t best_index = 0;
            for (int32_t a = 1; a < axis_size; a++) {
                const int8_t value = slab[(size_t)a * (size_t)inner + (size_t)i];
                if (value < best) {
                    best = value;
                    best_index = a;
                }
            }
            output[(size_t)o * (size_t)inner + (size_t)i] = best_index;
        }
    }
    return TB_OK;
}
