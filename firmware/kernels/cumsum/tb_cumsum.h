/* CUMSUM along one axis, bit-exact with TFLM's reference kernels (float32 within the documented
 * tolerance). The input is seen as [inner, depth, outer]: depth is the summed axis, inner the
 * dimensions before it, outer those after it (TFLM's names). */
#ifndef TB_CUMSUM_H
#define TB_CUMSUM_H

#include <stdint.h>

#include "tb_kernel_types.h"

typedef struct {
    int32_t inner;
    int32_t depth;
    int32_t outer;
    int32_t exclusive; /* 1: each output leaves its own element out */
    int32_t reverse;   /* 1: sum from the end of the axis */
} tb_cumsum_shape_t;

/* int8 (TFLM's Prepare): each x - zero point is shifted left 20 bits and halved (input_quant),
 * summed in int32 from the halved, shifted negated zero point (TFLM's starting value), and the
 * sum rescaled by 2 s_in / (2^20 s_out) (output_quant) plus the output zero point. */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    tb_quant_t input_quant;  /* shift <= 0 */
    tb_quant_t output_quant; /* shift <= 0 */
} tb_cumsum_params_t;

tb_status_t tb_cumsum_f32(const tb_cumsum_shape_t *shape, const float *input, float *output);
tb_status_t tb_cumsum_s8(const tb_cumsum_shape_t *shape, const tb_cumsum_params_t *params, const int8_t *input,
                         int8_t *output);

#endif /* TB_CUMSUM_H */
