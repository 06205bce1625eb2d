/* More activation kernels: RELU and RELU6 for int16, HARD_SWISH for float32. Their parameter
 * structs are tb_activations.h's; they are declared here so that header stays as it is. */
#ifndef TB_ACTIVATIONS_EXTRA_H
#define TB_ACTIVATIONS_EXTRA_H

#include <stdint.h>

#include "activations/tb_activations.h"

/* RELU (int16, zero points 0 as TFLM requires): requantized, clamped to [activation.min, max]. */
tb_status_t tb_relu_s16(const tb_relu_params_t *params, int32_t size, const int16_t *input, int16_t *output);

/* RELU6 (int16): raw values clamped to [zero, six], as the int8 kernel. */
tb_status_t tb_relu6_s16(const tb_relu6_params_t *params, int32_t size, const int16_t *input, int16_t *output);

/* HARD_SWISH (float32), as TFLM's float reference: x * min(6, max(0, x + 3)) / 6. */
tb_status_t tb_hard_swish_f32(int32_t size, const float *input, float *output);

#endif /* TB_ACTIVATIONS_EXTRA_H */
