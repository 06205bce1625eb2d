/* Unary float32 math kernels: ABS, NEG, EXP, LOG, SQRT, RSQRT, SQUARE, SIN, COS, FLOOR. Each
 * applies one function per element as TFLM's float kernels do; the transcendental ones
 * call the device's libm (newlib), which may differ from the host's by an ULP or two. */
#ifndef TB_MATH_H
#define TB_MATH_H

#include <math.h>
#include <stdint.h>

#include "tb_kernel_types.h"

tb_status_t tb_abs_f32(int32_t size, const float *input, float *output);

tb_status_t tb_neg_f32(int32_t size, const float *input, float *output);

tb_status_t tb_exp_f32(int32_t size, const float *input, float *output);

tb_status_t tb_log_f32(int32_t size, const float *input, float *output);

tb_status_t tb_sqrt_f32(int32_t size, const float *input, float *output);

tb_status_t tb_rsqrt_f32(int32_t size, const float *input, float *output);

tb_status_t tb_square_f32(int32_t size, const float *input, float *output);

tb_status_t tb_sin_f32(int32_t size, const float *input, float *output);

tb_status_t tb_cos_f32(int32_t size, const float *input, float *output);

tb_status_t tb_floor_f32(int32_t size, const float *input, float *output);

#endif /* TB_MATH_H */
