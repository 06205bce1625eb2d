/* PRELU with broadcasting (up to 4-D, as TFLM): x >= 0 ? x : x * alpha. float32, int8 (int8
 * alpha) and int16 (int8 alpha), the integer ones with TFLM's two output multipliers. */
#ifndef TB_PRELU_H
#define TB_PRELU_H

#include <stdint.h>

#include "common/tb_requant.h"
#include "elementwise/tb_elementwise.h" /* tb_broadcast_t */
#include "tb_kernel_types.h"

/* The generator derives these as TFLM's CalculatePreluParams. */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t alpha_offset;  /* -alpha zero point */
    int32_t output_offset; /* output zero point */
    tb_quant_t identity_quant; /* input scale / output scale */
    tb_quant_t alpha_quant;    /* input scale * alpha scale / output scale */
} tb_prelu_params_t;

static inline int32_t tb_prelu_quantized(int32_t x, int32_t alpha, const tb_prelu_params_t *p, int32_t low,
                                         int32_t high)
{
    const int32_t input = x + p->input_offset;
    int32_t out;
    if (input >= 0) {
        out = tb_multiply_by_quantized_multiplier(input, p->identity_quant.multiplier, p->identity_quant.shift);
    } else {
        out = tb_multiply_by_quantized_multiplier(input * (alpha + p->alpha_offset), p->alpha_quant.multiplier,
                                                  p->alpha_quant.shift);
    }
    out += p->output_offset;
    return out < low ? low : (out > high ? high : out);
}

tb_status_t tb_prelu_f32(const tb_broadcast_t *shape, const float *input, const float *alpha, float *output);

tb_status_t tb_prelu_s8(const tb_prelu_params_t *params, const tb_broadcast_t *shape, const int8_t *input,
                        const int8_t *alpha, int8_t *output);

tb_status_t tb_prelu_s16(const tb_prelu_params_t *params, const tb_broadcast_t *shape, const int16_t *input,
                         const int8_t *alpha, int16_t *output);

#endif /* TB_PRELU_H */
