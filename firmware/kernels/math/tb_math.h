/* Unary math kernels: ABS, NEG, EXP, LOG, SQRT, RSQRT, SQUARE, SIN, COS, FLOOR, CEIL, ROUND, ELU
 * in float32, ABS, RSQRT and ELU also int8, ABS also int16. The float32 ones apply one function per element as TFLM's
 * float kernels do; the transcendental ones
 * call the device's libm (newlib), which may differ from the host's by an ULP or two. */
#ifndef TB_MATH_H
#define TB_MATH_H

#include <math.h>
#include <stdint.h>

#include "common/tb_requant.h"
#include "tb_kernel_types.h"

/* An int8 operator as a table of its 256 outputs, indexed by q + 128 (the generator computes
 * TFLM's integer arithmetic for every input: ABS, RSQRT). */
typedef struct {
    const int8_t *table;
} tb_table_s8_t;

/* ABS (int16): quantized (zero points 0; |x| rescaled when the scales differ, then saturated) or,
 * without quantization, |x| wrapping as TFLM's std::abs of an int16 stored back (-32768 stays). */
typedef struct {
    int32_t quantized;
    int32_t rescale;
    tb_quant_t quant; /* input scale / output scale, when rescale */
} tb_abs_s16_params_t;

static inline int32_t tb_abs_s16_element(int32_t x, const tb_abs_s16_params_t *p)
{
    const int32_t value = x < 0 ? -x : x;
    if (!p->quantized) {
        return (int16_t)value;
    }
    const int32_t out = p->rescale ? tb_multiply_by_quantized_multiplier(value, p->quant.multiplier, p->quant.shift)
                                   : value;
    return out > INT16_MAX ? INT16_MAX : (out < INT16_MIN ? INT16_MIN : out);
}

tb_status_t tb_abs_f32(int32_t size, const float *input, float *output);

tb_status_t tb_abs_s8(const tb_table_s8_t *params, int32_t size, const int8_t *input, int8_t *output);

tb_status_t tb_abs_s16(const tb_abs_s16_params_t *params, int32_t size, const int16_t *input, int16_t *output);

tb_status_t tb_neg_f32(int32_t size, const float *input, float *output);

tb_status_t tb_exp_f32(int32_t size, const float *input, float *output);

tb_status_t tb_log_f32(int32_t size, const float *input, float *output);

tb_status_t tb_sqrt_f32(int32_t size, const float *input, float *output);

tb_status_t tb_rsqrt_f32(int32_t size, const float *input, float *output);

tb_status_t tb_rsqrt_s8(const tb_table_s8_t *params, int32_t size, const int8_t *input, int8_t *output);

tb_status_t tb_square_f32(int32_t size, const float *input, float *output);

tb_status_t tb_sin_f32(int32_t size, const float *input, float *output);

tb_status_t tb_cos_f32(int32_t size, const float *input, float *output);

tb_status_t tb_floor_f32(int32_t size, const float *input, float *output);

tb_status_t tb_ceil_f32(int32_t size, const float *input, float *output);

tb_status_t tb_round_f32(int32_t size, const float *input, float *output);

tb_status_t tb_elu_f32(int32_t size, const float *input, float *output);

tb_status_t tb_elu_s8(const tb_table_s8_t *params, int32_t size, const int8_t *input, int8_t *output);

#endif /* TB_MATH_H */
