/* Fused execution of a CONV_2D and the MAX_POOL_2D that alone reads its output.
 *
 * The conv's output tensor is never materialised: for each pooled output row the kernel computes
 * the conv output rows that row's window needs into a small band buffer (arena scratch planned by
 * the generator), then pools them. Every conv element and every pool comparison is computed by
 * the same code as tb_conv2d_f32 and tb_max_pool2d_f32 (conv2d_f32_rows.h, max_pool2d_f32_row.h),
 * so the pool's output is bit-identical to the unfused pair. Conv rows shared by two pooled rows
 * (a pool filter taller than its stride) are computed again, with the same result.
 */
#ifndef TB_CONV2D_FUSED_H
#define TB_CONV2D_FUSED_H

#include <stdint.h>

#include "conv2d/tb_conv2d.h"
#include "pooling/tb_pooling.h"
#include "tb_kernel_types.h"

typedef struct {
    tb_conv_f32_params_t conv;
    tb_pool_f32_params_t pool;
    tb_dims_t conv_output_dims; /* the intermediate tensor's shape (not materialised) */
    int32_t band_rows;          /* conv output rows the band buffer holds (>= pool.filter.h
                                 * clipped to conv_output_dims.h) */
} tb_conv_maxpool_f32_params_t;

/* float32 CONV_2D then MAX_POOL_2D, computed per pooled row through `band` (band_rows x
 * conv_output_dims.w x conv_output_dims.c floats). Returns TB_ERR_ARG on a NULL pointer, the
 * checks either kernel makes, or a band too small for one pooled row. */
tb_status_t tb_conv2d_maxpool_f32_banded(const tb_conv_maxpool_f32_params_t *params,
                                         const tb_dims_t *input_dims,
                                         const float *input,
                                         const tb_dims_t *filter_dims,
                                         const float *filter,
                                         const tb_dims_t *bias_dims,
                                         const float *bias,
                                         const tb_dims_t *output_dims,
                                         float *output,
                                         float *band);

#endif /* TB_CONV2D_FUSED_H */
