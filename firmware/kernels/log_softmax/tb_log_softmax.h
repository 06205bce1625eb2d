/* LOG_SOFTMAX (float32) over the last dimension, as TFLM's float reference: per row the maximum,
 * the sum of expf(x - max) in order, then x - max - logf(sum). expf and logf are the device's
 * libm (newlib), within an ULP or two of the host's. */
#ifndef TB_LOG_SOFTMAX_H
#define TB_LOG_SOFTMAX_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* rows x depth elements, depth the last dimension. */
tb_status_t tb_log_softmax_f32(int32_t rows, int32_t depth, const float *input, float *output);

#endif /* TB_LOG_SOFTMAX_H */
