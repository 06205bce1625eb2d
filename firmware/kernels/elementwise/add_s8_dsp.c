/* Optimized int8 ADD of two same-shape tensors: per-input lookup tables made by the generator,
 * then the folded output requantization. Bit-exact with tb_add_s8 (TFLM's reference). */
#include <stddef.h>

#include "common/tb_dsp.h"
#include "elementwise/tb_elementwise_dsp.h"

TB_ALWAYS_INLINE int8_t tb_add_one(const int32_t *lut1, const int32_t *lut2, const int32_t *rq, int32_t x1,
                                   int32_t x2, const tb_add_dsp_params_t *params)
{
    const int32_t sum2 = 2 * (lut1[x1] + lut2[x2]);
    int32_t v = tb_dsp_requant(sum2, rq);
    if (params->clamp) {
        v = tb_clamp_act(v, params->activation.min, params->activation.max);
    }
    return (int8_t)v;
}

tb_status_t tb_add_s8_dsp(const tb_add_dsp_params_t *params,
                          int32_t size,
                          const int8_t *input1,
                          const int8_t *input2,
                          int8_t *output)
{
    if (params == NULL || params->input1_lut == NULL || params->input2_lut == NULL ||
        params->output_requant == NULL || input1 == NULL || input2 == NULL || output == NULL || size < 0 ||
        params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    const int32_t *lut1 = params->input1_lut + 128; /* index by the signed value */
    const int32_t *lut2 = params->input2_lut + 128;
    const int32_t *rq = params->output_requant;
    int32_t i = 0;
    for (; i + 4 <= size; i += 4) {
        const uint32_t w1 = tb_read_u32(input1 + i);
        const uint32_t w2 = tb_read_u32(input2 + i);
        output[i] = tb_add_one(lut1, lut2, rq, (int8_t)w1, (int8_t)w2, params);
        output[i + 1] = tb_add_one(lut1, lut2, rq, (int8_t)(w1 >> 8), (int8_t)(w2 >> 8), params);
        output[i + 2] = tb_add_one(lut1, lut2, rq, (int8_t)(w1 >> 16), (int8_t)(w2 >> 16), params);
        output[i + 3] = tb_add_one(lut1, lut2, rq, (int8_t)(w1 >> 24), (int8_t)(w2 >> 24), params);
    }
    for (; i < size; i++) {
        output[i] = tb_add_one(lut1, lut2, rq, input1[i], input2[i], params);
    }
    return TB_OK;
}
