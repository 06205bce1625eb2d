/* Optimized int8 AVERAGE_POOL_2D and MAX_POOL_2D (Cortex-M4 DSP extension, C fallback
 * elsewhere), bit-exact with tb_avg_pool2d_s8 / tb_max_pool2d_s8. Same parameters as the
 * reference kernels (tb_pool_params_t). Four channels per step: SXTAB16 sums bytes into 16-bit
 * lanes (the generator picks this kernel only for windows of at most 255 taps, so a lane cannot
 * overflow); SSUB8 + SEL take the byte-wise maximum.
 */
#ifndef TB_POOLING_DSP_H
#define TB_POOLING_DSP_H

#include <stdint.h>

#include "pooling/tb_pooling.h"

tb_status_t tb_avg_pool2d_s8_dsp(const tb_pool_params_t *params,
                                 const tb_dims_t *input_dims,
                                 const int8_t *input,
                                 const tb_dims_t *output_dims,
                                 int8_t *output);

tb_status_t tb_max_pool2d_s8_dsp(const tb_pool_params_t *params,
                                 const tb_dims_t *input_dims,
                                 const int8_t *input,
                                 const tb_dims_t *output_dims,
                                 int8_t *output);

#endif /* TB_POOLING_DSP_H */
