/* L2_NORMALIZATION over the last dimension, bit-exact with TFLM's reference kernels (float32
 * within the documented tolerance). The input is [outer, depth]. */
#ifndef TB_L2NORM_H
#define TB_L2NORM_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* float32: x / max(sqrt(sum of squares), 1e-6). */
tb_status_t tb_l2_norm_f32(int32_t outer, int32_t depth, const float *input, float *output);

/* int8: (x - zero point) times TFLM's fixed-point inverse square root of the sum of squares,
 * in 1/128 steps (output scale 1/128, zero point 0, whatever the output tensor says). */
tb_status_t tb_l2_norm_s8(int32_t outer, int32_t depth, int32_t input_zero_point, const int8_t *input,
                          int8_t *output);

#endif /* TB_L2NORM_H */
