/* Reductions (MEAN, SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_ALL) and ARG_MAX / ARG_MIN, bit-exact with TFLM's
 * reference kernels (float32 within the documented tolerance). */
#ifndef TB_REDUCE_H
#define TB_REDUCE_H

#include <stdbool.h>
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

/* MEAN and SUM (int8, int16): sum of (x - input zero point) over the reduced elements, times a multiplier
 * (for MEAN one that already includes the division by count), plus the output zero point. */
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

tb_status_t tb_mean_s16(const tb_mean_params_t *params,
                        const tb_reduce_shape_t *shape,
                        const int16_t *input,
                        int16_t *output);
tb_status_t tb_sum_s8(const tb_mean_params_t *params,
                      const tb_reduce_shape_t *shape,
                      const int8_t *input,
                      int8_t *output);
tb_status_t tb_sum_s16(const tb_mean_params_t *params,
                       const tb_reduce_shape_t *shape,
                       const int16_t *input,
                       int16_t *output);

/* float32 MEAN and SUM, and the min/max reductions (int8 ones need equal input and output
 * quantization, so they compare raw values). */
tb_status_t tb_mean_f32(const tb_reduce_shape_t *shape, const float *input, float *output);
tb_status_t tb_sum_f32(const tb_reduce_shape_t *shape, const float *input, float *output);
tb_status_t tb_reduce_max_f32(const tb_reduce_shape_t *shape, const float *input, float *output);
tb_status_t tb_reduce_min_f32(const tb_reduce_shape_t *shape, const float *input, float *output);
tb_status_t tb_reduce_max_s8(const tb_reduce_shape_t *shape, const int8_t *input, int8_t *output);
tb_status_t tb_reduce_min_s8(const tb_reduce_shape_t *shape, const int8_t *input, int8_t *output);
/* REDUCE_ALL (bool): true unless a reduced element is false. */
tb_status_t tb_reduce_all_bool(const tb_reduce_shape_t *shape, const bool *input, bool *output);

/* ARG_MAX / ARG_MIN: the input seen as [outer, axis_size, inner]; the output [outer, inner]. */
typedef struct {
    int32_t outer;
    int32_t axis_size;
    int32_t inner;
} tb_arg_params_t;

tb_status_t tb_arg_max_s8(const tb_arg_params_t *params, const int8_t *input, int32_t *output);
tb_status_t tb_arg_min_s8(const tb_arg_params_t *params, const int8_t *input, int32_t *output);
tb_status_t tb_arg_max_f32(const tb_arg_params_t *params, const float *input, int32_t *output);
tb_status_t tb_arg_min_f32(const tb_arg_params_t *params, const float *input, int32_t *output);

#endif /* TB_REDUCE_H */
