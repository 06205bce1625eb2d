/* Reductions: MEAN (int8), bit-exact with TFLM's reference kernel. */
#ifndef TB_REDUCE_H
#define TB_REDUCE_H

#include <stdint.h>

#include "tb_kernel_types.h"

#define TB_REDUCE_MAX_RANK 6

/* The input seen as two nested index spaces, folded by the generator: the kept dimensions
 * (in order, so walking them row-major walks the output) and the reduced ones. Each list is
 * left-padded with size-1 dimensions; strides are input element strides. */
typedef struct {
    int32_t outer_dims[TB_REDUCE_MAX_RANK];
    int32_t outer_strides[TB_REDUCE_MAX_RANK];
    int32_t inner_dims[TB_REDUCE_MAX_RANK];
    int32_t inner_strides[TB_REDUCE_MAX_RANK];
} tb_reduce_shape_t;

/* MEAN (int8): sum of (x - input zero point) over the reduced elements, times a multiplier
 * that already includes the division by count, plus the output zero point. */
typedef struct {
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t count;     /* elements per output value, the product of inner_dims */
    tb_quant_t quant;  /* shift in -31..31 */
} tb_mean_params_t;

tb_status_t tb_mean_s8(const tb_mean_params_t *params,
                       const tb_reduce_shape_t *shape,
                       const int8_t *input,
                       int8_t *output);

#endif /* TB_REDUCE_H */
