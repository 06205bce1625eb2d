/* Binary arithmetic kernels with broadcasting beyond ADD/SUB/MUL: DIV (float32, int32),
 * FLOOR_DIV and FLOOR_MOD (float32), SQUARED_DIFFERENCE (float32, int32, int8, int16), each as
 * TFLM's reference kernel computes it. */
#ifndef TB_ARITH_H
#define TB_ARITH_H

#include <math.h>
#include <stdint.h>

#include "common/tb_float.h" /* tb_activation_f32_t */
#include "common/tb_requant.h"
#include "elementwise/tb_elementwise.h" /* tb_broadcast_t */
#include "tb_kernel_types.h"

/* SQUARED_DIFFERENCE (int8, int16): both inputs shifted left by left_shift and rescaled to a
 * common scale (twice the larger input scale), the difference squared, then rescaled to the
 * output; the generator derives the constants as TFLM's PrepareQuantized does. */
typedef struct {
    int32_t input1_offset; /* -input1 zero point */
    int32_t input2_offset; /* -input2 zero point */
    int32_t output_offset; /* output zero point */
    int32_t left_shift;    /* 7 for int8, 0 for int16 */
    tb_quant_t input1_quant; /* shift <= 0 */
    tb_quant_t input2_quant; /* shift <= 0 */
    tb_quant_t output_quant;
    tb_activation_t activation; /* the output type's range */
} tb_squared_difference_params_t;

/* TFLM's FloorMod for float32: fmod, moved into the divisor's sign when they differ. */
static inline float tb_floor_mod_f32_element(float a, float b)
{
    const float trunc_mod = fmodf(a, b);
    return (trunc_mod != 0.0f && ((b < 0.0f) != (trunc_mod < 0.0f))) ? trunc_mod + b : trunc_mod;
}

static inline int32_t tb_squared_difference_quantized(int32_t a, int32_t b, const tb_squared_difference_params_t *p)
{
    const int32_t scaled1 = tb_multiply_by_quantized_multiplier((a + p->input1_offset) * (1 << p->left_shift),
                                                                p->input1_quant.multiplier, p->input1_quant.shift);
    const int32_t scaled2 = tb_multiply_by_quantized_multiplier((b + p->input2_offset) * (1 << p->left_shift),
                                                                p->input2_quant.multiplier, p->input2_quant.shift);
    const int32_t diff = scaled1 - scaled2;
    const int32_t raw = tb_multiply_by_quantized_multiplier(diff * diff, p->output_quant.multiplier,
                                                            p->output_quant.shift) + p->output_offset;
    return raw < p->activation.min ? p->activation.min : (raw > p->activation.max ? p->activation.max : raw);
}

static inline int32_t tb_clamp_range_s32(int32_t x, const tb_activation_t *range)
{
    return x < range->min ? range->min : (x > range->max ? range->max : x);
}

/* a / b, then clamped to the fused activation's range. */
tb_status_t tb_div_f32(const tb_activation_f32_t *activation, const tb_broadcast_t *shape, const float *input1,
                       const float *input2, float *output);

/* a / b truncated toward zero (b must not be 0), then clamped to the fused activation's range. */
tb_status_t tb_div_s32(const tb_activation_t *activation, const tb_broadcast_t *shape, const int32_t *input1,
                       const int32_t *input2, int32_t *output);

/* floor((double)a / (double)b), as TFLM's FloorDiv. */
tb_status_t tb_floor_div_f32(const tb_broadcast_t *shape, const float *input1, const float *input2, float *output);

tb_status_t tb_floor_mod_f32(const tb_broadcast_t *shape, const float *input1, const float *input2, float *output);

/* (a - b) * (a - b). */
tb_status_t tb_squared_difference_f32(const tb_broadcast_t *shape, const float *input1, const float *input2,
                                      float *output);

tb_status_t tb_squared_difference_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                                      int32_t *output);

tb_status_t tb_squared_difference_s8(const tb_squared_difference_params_t *params, const tb_broadcast_t *shape,
                                     const int8_t *input1, const int8_t *input2, int8_t *output);

tb_status_t tb_squared_difference_s16(const tb_squared_difference_params_t *params, const tb_broadcast_t *shape,
                                      const int16_t *input1, const int16_t *input2, int16_t *output);

#endif /* TB_ARITH_H */
