/* LOG_SOFTMAX over the last dimension.
 * float32, as TFLM's float reference: per row the maximum, the sum of expf(x - max) in order, then
 * x - max - logf(sum). expf and logf are the device's libm (newlib), within an ULP or two of the host's.
 * int8, bit-exact with TFLM's LogSoftmaxQuantized: gemmlowp fixed point (differences in Q5.26,
 * their exps summed in Q12.19, log of the sum in Q5.26), output scale 16/256 and zero point 127. */
#ifndef TB_LOG_SOFTMAX_H
#define TB_LOG_SOFTMAX_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* rows x depth elements, depth the last dimension. */
tb_status_t tb_log_softmax_f32(int32_t rows, int32_t depth, const float *input, float *output);

/* int8: the constants TFLM's Prepare derives (PreprocessLogSoftmaxScalingExp, CalculateInputRadius). */
typedef struct {
    int32_t input_multiplier;            /* x - max to Q5.26: multiplier ... */
    int32_t input_left_shift;            /* ... and its left shift, 1..30 */
    int32_t reverse_scaling_divisor;     /* Q5.26 back to input steps: multiplier ... */
    int32_t reverse_scaling_right_shift; /* ... and its right shift, 0..31 */
    int32_t diff_min;                    /* smallest x - max that contributes, <= 0 */
} tb_log_softmax_s8_params_t;

tb_status_t tb_log_softmax_s8(const tb_log_softmax_s8_params_t *params,
                              int32_t rows,
                              int32_t depth,
                              const int8_t *input,
                              int8_t *output);

#endif /* TB_LOG_SOFTMAX_H */
