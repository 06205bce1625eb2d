/* MAXIMUM and MINIMUM with broadcasting, on the stored values (TFLM does not rescale: its
 * converter gives both inputs and the output one quantization). */
#ifndef TB_MINMAX_H
#define TB_MINMAX_H

#include <stdint.h>

#include "elementwise/tb_elementwise.h" /* tb_broadcast_t */
#include "tb_kernel_types.h"

tb_status_t tb_maximum_f32(const tb_broadcast_t *shape, const float *input1, const float *input2,
                          float *output);

tb_status_t tb_maximum_s8(const tb_broadcast_t *shape, const int8_t *input1, const int8_t *input2,
                         int8_t *output);

tb_status_t tb_maximum_s16(const tb_broadcast_t *shape, const int16_t *input1, const int16_t *input2,
                          int16_t *output);

tb_status_t tb_maximum_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                          int32_t *output);

tb_status_t tb_maximum_s64(const tb_broadcast_t *shape, const int64_t *input1, const int64_t *input2,
                          int64_t *output);

tb_status_t tb_minimum_f32(const tb_broadcast_t *shape, const float *input1, const float *input2,
                          float *output);

tb_status_t tb_minimum_s8(const tb_broadcast_t *shape, const int8_t *input1, const int8_t *input2,
                         int8_t *output);

tb_status_t tb_minimum_s16(const tb_broadcast_t *shape, const int16_t *input1, const int16_t *input2,
                          int16_t *output);

tb_status_t tb_minimum_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                          int32_t *output);

tb_status_t tb_minimum_s64(const tb_broadcast_t *shape, const int64_t *input1, const int64_t *input2,
                          int64_t *output);

#endif /* TB_MINMAX_H */
