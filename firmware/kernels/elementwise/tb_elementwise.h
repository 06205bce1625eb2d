/* Binary elementwise kernels with broadcasting: ADD, SUB, MUL (int8, int16, int32 and float32).
 *
 * The int8 and int16 kernels follow TFLM's reference arithmetic bit for bit; the float32 kernels follow
 * TFLM's float reference (one IEEE operation per element, then the fused-activation clamp).
 */
#ifndef TB_ELEMENTWISE_H
#define TB_ELEMENTWISE_H

#include <stdint.h>

#include "common/tb_float.h" /* tb_activation_f32_t */
#include "tb_kernel_types.h"

#define TB_BROADCAST_MAX_RANK 6

/* Shapes of a broadcasting binary op, folded by the generator.
 * dims is the output shape left-padded with 1 to TB_BROADCAST_MAX_RANK dimensions; the
 * strides are each input's element strides along those dimensions, 0 where the input is
 * broadcast (its dimension is 1). Every dims[d] must be >= 1. */
typedef struct {
    int32_t dims[TB_BROADCAST_MAX_RANK];
    int32_t input1_strides[TB_BROADCAST_MAX_RANK];
    int32_t input2_strides[TB_BROADCAST_MAX_RANK];
} tb_broadcast_t;

/* ADD and SUB (int8 and int16): both inputs are shifted left by left_shift, rescaled to a common scale
 * (multipliers < 1), summed or subtracted, then rescaled to the output scale. */
typedef struct {
    int32_t input1_offset; /* -input1 zero point, in [-127, 128] */
    int32_t input2_offset; /* -input2 zero point, in [-127, 128] */
    int32_t output_offset; /* output zero point, in [-128, 127] */
    int32_t left_shift;    /* 20 for int8, 15 for int16 */
    tb_quant_t input1_quant; /* shift <= 0 */
    tb_quant_t input2_quant; /* shift <= 0 */
    tb_quant_t output_quant; /* shift <= 0 */
    tb_activation_t activation;
} tb_add_params_t;

/* MUL (int8 and int16; int16 has zero offsets): (x1 + offset1) * (x2 + offset2) rescaled by one multiplier. */
typedef struct {
    int32_t input1_offset; /* -input1 zero point */
    int32_t input2_offset; /* -input2 zero point */
    int32_t output_offset; /* output zero point */
    tb_quant_t output_quant;
    tb_activation_t activation;
} tb_mul_params_t;

/* Status: TB_ERR_ARG for NULL pointers, a non-positive dimension, a negative stride, a shift
 * out of range or an empty clamp range. */
tb_status_t tb_add_s8(const tb_add_params_t *params,
                      const tb_broadcast_t *shape,
                      const int8_t *input1,
                      const int8_t *input2,
                      int8_t *output);

tb_status_t tb_sub_s8(const tb_add_params_t *params,
                      const tb_broadcast_t *shape,
                      const int8_t *input1,
                      const int8_t *input2,
                      int8_t *output);

tb_status_t tb_mul_s8(const tb_mul_params_t *params,
                      const tb_broadcast_t *shape,
                      const int8_t *input1,
                      const int8_t *input2,
                      int8_t *output);

tb_status_t tb_add_f32(const tb_activation_f32_t *activation,
                       const tb_broadcast_t *shape,
                       const float *input1,
                       const float *input2,
                       float *output);

tb_status_t tb_sub_f32(const tb_activation_f32_t *activation,
                       const tb_broadcast_t *shape,
                       const float *input1,
                       const float *input2,
                       float *output);

tb_status_t tb_mul_f32(const tb_activation_f32_t *activation,
                       const tb_broadcast_t *shape,
                       const float *input1,
                       const float *input2,
                       float *output);

/* int16: the same arithmetic as int8 (TFLM's general int16 path), results clamped to the
 * activation range, which must lie inside int16. */
tb_status_t tb_add_s16(const tb_add_params_t *params,
                       const tb_broadcast_t *shape,
                       const int16_t *input1,
                       const int16_t *input2,
                       int16_t *output);

tb_status_t tb_sub_s16(const tb_add_params_t *params,
                       const tb_broadcast_t *shape,
                       const int16_t *input1,
                       const int16_t *input2,
                       int16_t *output);

tb_status_t tb_mul_s16(const tb_mul_params_t *params,
                       const tb_broadcast_t *shape,
                       const int16_t *input1,
                       const int16_t *input2,
                       int16_t *output);

/* int32 (unquantized): the wrapped sum, difference or product clamped to activation. */
tb_status_t tb_add_s32(const tb_activation_t *activation,
                       const tb_broadcast_t *shape,
                       const int32_t *input1,
                       const int32_t *input2,
                       int32_t *output);

tb_status_t tb_sub_s32(const tb_activation_t *activation,
                       const tb_broadcast_t *shape,
                       const int32_t *input1,
                       const int32_t *input2,
                       int32_t *output);

tb_status_t tb_mul_s32(const tb_activation_t *activation,
                       const tb_broadcast_t *shape,
                       const int32_t *input1,
                       const int32_t *input2,
                       int32_t *output);

#endif /* TB_ELEMENTWISE_H */
