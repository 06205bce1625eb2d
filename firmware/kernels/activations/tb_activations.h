/* Activation kernels: LOGISTIC, TANH, RELU, RELU6, LEAKY_RELU, HARD_SWISH (int8), LOGISTIC,
 * TANH (int16) and LOGISTIC, TANH, RELU, RELU6 (float32). The int8 kernels match TFLM's reference kernels bit
 * for bit; the float32 kernels follow TFLM's float reference with the target's libm. */
#ifndef TB_ACTIVATIONS_H
#define TB_ACTIVATIONS_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* LOGISTIC and TANH (int8): the input minus its zero point is rescaled to Q4.27 and fed to the
 * fixed-point function; inputs at or beyond +-input_range_radius saturate. */
typedef struct {
    int32_t input_zero_point;
    int32_t input_range_radius; /* > 0 */
    tb_quant_t input_quant;     /* shift in 0..31 */
} tb_sigmoid_params_t;

/* LOGISTIC and TANH (int16): the input rescaling of the shared int16 sigmoid and tanh
 * (tb_sigmoid_s16.h), as generator/int16_sigmoid.py derives it from the input scale. */
typedef struct {
    int32_t multiplier; /* 1..32767 */
    int32_t shift;      /* 0..31 */
} tb_sigmoid_s16_params_t;

/* RELU (int8): requantize from the input to the output scale, then clamp. */
typedef struct {
    int32_t input_zero_point;
    int32_t output_zero_point;
    tb_quant_t quant;
    tb_activation_t activation; /* [max(-128, output zero point), 127] */
} tb_relu_params_t;

/* RELU6 (int8): clamp raw input values to [zero, six], both in the input's quantized domain
 * (TFLM copies the clamped input values; the output's quantization is not used). */
typedef struct {
    int32_t zero; /* input zero point */
    int32_t six;  /* 6.0 quantized with the input's parameters, clamped to int8 */
} tb_relu6_params_t;

/* LEAKY_RELU (int8): x >= zero point uses the identity multiplier, below it alpha's. */
typedef struct {
    int32_t input_zero_point;
    int32_t output_zero_point;
    tb_quant_t identity_quant; /* input scale / output scale */
    tb_quant_t alpha_quant;    /* input scale * alpha / output scale; negative for alpha < 0 */
} tb_leaky_relu_params_t;

/* LEAKY_RELU (float32): x > 0 ? x : x * alpha. */
typedef struct {
    float alpha;
} tb_leaky_relu_f32_params_t;

/* HARD_SWISH (int8): TFLM's 16-bit fixed-point evaluation of x * relu6(x + 3) / 6. */
typedef struct {
    int32_t input_zero_point;
    int32_t output_zero_point;
    int16_t output_multiplier; /* Q15 */
    int16_t reluish_multiplier; /* Q15 */
    int32_t output_exponent;   /* <= 0, >= -31 */
    int32_t reluish_exponent;  /* -31 .. 31 */
} tb_hard_swish_params_t;

tb_status_t tb_logistic_s8(const tb_sigmoid_params_t *params, int32_t size, const int8_t *input, int8_t *output);
tb_status_t tb_tanh_s8(const tb_sigmoid_params_t *params, int32_t size, const int8_t *input, int8_t *output);
tb_status_t tb_logistic_s16(const tb_sigmoid_s16_params_t *params, int32_t size, const int16_t *input,
                           int16_t *output);
tb_status_t tb_tanh_s16(const tb_sigmoid_s16_params_t *params, int32_t size, const int16_t *input,
                        int16_t *output);
tb_status_t tb_relu_s8(const tb_relu_params_t *params, int32_t size, const int8_t *input, int8_t *output);
tb_status_t tb_relu6_s8(const tb_relu6_params_t *params, int32_t size, const int8_t *input, int8_t *output);
tb_status_t tb_leaky_relu_s8(const tb_leaky_relu_params_t *params,
                             int32_t size,
                             const int8_t *input,
                             int8_t *output);
/* LEAKY_RELU (int16): the int8 arithmetic with the same parameters, clamped to int16. */
tb_status_t tb_leaky_relu_s16(const tb_leaky_relu_params_t *params,
                              int32_t size,
                              const int16_t *input,
                              int16_t *output);
tb_status_t tb_hard_swish_s8(const tb_hard_swish_params_t *params,
                             int32_t size,
                             const int8_t *input,
                             int8_t *output);

tb_status_t tb_logistic_f32(int32_t size, const float *input, float *output);
tb_status_t tb_tanh_f32(int32_t size, const float *input, float *output);
tb_status_t tb_relu_f32(int32_t size, const float *input, float *output);
tb_status_t tb_relu6_f32(int32_t size, const float *input, float *output);
tb_status_t tb_leaky_relu_f32(const tb_leaky_relu_f32_params_t *params,
                              int32_t size,
                              const float *input,
                              float *output);

#endif /* TB_ACTIVATIONS_H */
