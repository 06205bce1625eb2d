/* int16 MUL with broadcasting, matching TFLM's reference kernel bit for bit: zero points are 0
 * (TFLM requires it), so the product of two int16 values fits int32 before the rescaling. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "elementwise/broadcast.h"
#include "elementwise/tb_elementwise.h"

typedef struct {
    const tb_mul_params_t *params;
    const int16_t *input1;
    const int16_t *input2;
    int16_t *output;
} tb_mul_s16_args_t;

static inline void tb_mul_s16_element(const void *args, size_t index, size_t offset1, size_t offset2)
{
    const tb_mul_s16_args_t *a = args;
    const tb_mul_params_t *params = a->params;
    const int32_t product = (int32_t)a->input1[offset1] * (int32_t)a->input2[offset2];
    int32_t value = tb_multiply_by_quantized_multiplier(product, params->output_quant.multiplier,
                                                        params->output_quant.shift);
    value += params->output_offset;
    a->output[index] = (int16_t)tb_clamp_s32(value, params->activation.min, params->activation.max);
}

tb_status_t tb_mul_s16(const tb_mul_params_t *params,
                       const tb_broadcast_t *shape,
                       const int16_t *input1,
                       const int16_t *input2,
                       int16_t *output)
{
    if (params == NULL || input1 == NULL || input2 == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (params->input1_offset != 0 || params->input2_offset != 0 || params->output_offset != 0 ||
        params->output_quant.shift < -31 || params->output_quant.shift > 31 ||
        params->activation.min > params->activation.max ||
        params->activation.min < INT16_MIN || params->activation.max > INT16_MAX) {
        return TB_ERR_ARG;
    }
    const tb_status_t status = tb_broadcast_check(shape);
    if (status != TB_OK) {
        return status;
    }
    const tb_mul_s16_args_t args = {params, input1, input2, output};
    tb_broadcast_walk(shape, tb_mul_s16_element, &args);
    return TB_OK;
}
