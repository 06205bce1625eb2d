/* AVERAGE_POOL_2D and MAX_POOL_2D kernels (int8 and float32), following TFLM's reference kernels.
 *
 * Tensors are NHWC; input and output have the same batches and channels. Each output reads the
 * filter window at (out_y * stride.h - padding.h, out_x * stride.w - padding.w), clipped to the
 * input: taps in the padding are not part of the window (the average divides by the number of
 * taps inside the input). int8 pools keep the input's scale and zero point, so no rescaling is
 * needed; the generator checks that.
 *
 * Returns TB_ERR_ARG on a NULL pointer, inconsistent dims, a stride or filter size below 1, a
 * negative padding, an empty activation range, or (average pools) a window with no input tap,
 * which TFLM also treats as an error.
 */
#ifndef TB_POOLING_H
#define TB_POOLING_H

#include <stdint.h>

#include "common/tb_float.h"
#include "common/tb_window.h"
#include "tb_kernel_types.h"

/* int8 pooling parameters, folded by the generator. */
typedef struct {
    tb_tile_t stride;
    tb_tile_t padding; /* rows/columns of padding before the first input row/column */
    tb_tile_t filter;  /* window height and width */
    tb_activation_t activation;
} tb_pool_params_t;

/* float32 pooling parameters. */
typedef struct {
    tb_tile_t stride;
    tb_tile_t padding;
    tb_tile_t filter;
    tb_activation_f32_t activation;
} tb_pool_f32_params_t;

/* Sum of the int8 taps, divided by the tap count rounding half away from zero, clamped. */
tb_status_t tb_avg_pool2d_s8(const tb_pool_params_t *params,
                             const tb_dims_t *input_dims,
                             const int8_t *input,
                             const tb_dims_t *output_dims,
                             int8_t *output);

/* Largest tap (-128 for an empty window), clamped. */
tb_status_t tb_max_pool2d_s8(const tb_pool_params_t *params,
                             const tb_dims_t *input_dims,
                             const int8_t *input,
                             const tb_dims_t *output_dims,
                             int8_t *output);

/* int16 pools: the int8 arithmetic on int16 taps (TFLM's int16 reference pools). */
tb_status_t tb_avg_pool2d_s16(const tb_pool_params_t *params,
                              const tb_dims_t *input_dims,
                              const int16_t *input,
                              const tb_dims_t *output_dims,
                              int16_t *output);
tb_status_t tb_max_pool2d_s16(const tb_pool_params_t *params,
                              const tb_dims_t *input_dims,
                              const int16_t *input,
                              const tb_dims_t *output_dims,
                              int16_t *output);

/* Float sum of the taps from 0.0f in row-major order, divided by the tap count, clamped. */
tb_status_t tb_avg_pool2d_f32(const tb_pool_f32_params_t *params,
                              const tb_dims_t *input_dims,
                              const float *input,
                              const tb_dims_t *output_dims,
                              float *output);

/* Largest tap (-FLT_MAX for an empty window), clamped. */
tb_status_t tb_max_pool2d_f32(const tb_pool_f32_params_t *params,
                              const tb_dims_t *input_dims,
                              const float *input,
                              const tb_dims_t *output_dims,
                              float *output);

/* float32 L2 pool: sqrtf of the mean of the squared taps (added from 0.0f in row-major order),
 * clamped. */
tb_status_t tb_l2_pool2d_f32(const tb_pool_f32_params_t *params,
                             const tb_dims_t *input_dims,
                             const float *input,
                             const tb_dims_t *output_dims,
                             float *output);

#endif /* TB_POOLING_H */
