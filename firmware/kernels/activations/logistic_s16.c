/* int16 LOGISTIC, bit for bit as TFLM's reference: the shared int16 sigmoid (tb_sigmoid_s16.h) on
 * every element, input zero point 0, output Q0.15. */
#include <stddef.h>

#include "activations/tb_activations.h"
#include "activations/tb_sigmoid_s16.h"

tb_status_t tb_logistic_s16(const tb_sigmoid_s16_params_t *params, int32_t size, const int16_t *input, int16_t *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0 || params->shift < 0 || params->shift > 31) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        output[i] = tb_sigmoid_s16_value(input[i], params->multiplier, params->shift);
    }
    return TB_OK;
}
