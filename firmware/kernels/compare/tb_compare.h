/* Comparison kernels with broadcasting: EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER,
 * GREATER_EQUAL. Outputs are bool (one byte, 0 or 1), as TFLM's.
 *
 * int8 inputs are compared after TFLM's rescaling (ComparisonWithScaling): each value becomes
 * MultiplyByQuantizedMultiplierSmallerThanOneExp((q - zero_point) << left_shift, scale), so two
 * tensors of different scales compare by their real values at TFLM's precision.
 */
#ifndef TB_COMPARE_H
#define TB_COMPARE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/tb_requant.h"
#include "elementwise/tb_elementwise.h" /* tb_broadcast_t */
#include "tb_kernel_types.h"

/* int8: the generator derives these as TFLM's ComparisonsPrepare does. */
typedef struct {
    int32_t input1_offset; /* -input1 zero point */
    int32_t input2_offset; /* -input2 zero point */
    int32_t left_shift;    /* 8 */
    tb_quant_t input1_quant; /* input1 scale; shift <= 0 */
    tb_quant_t input2_quant; /* input2 scale; shift <= 0 */
} tb_compare_params_t;

static inline int32_t tb_compare_scaled(int32_t q, int32_t offset, int32_t left_shift, tb_quant_t quant)
{
    return tb_multiply_by_quantized_multiplier((q + offset) * (1 << left_shift), quant.multiplier, quant.shift);
}

tb_status_t tb_equal_f32(const tb_broadcast_t *shape, const float *input1, const float *input2,
                        bool *output);

tb_status_t tb_equal_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                        bool *output);

tb_status_t tb_equal_s64(const tb_broadcast_t *shape, const int64_t *input1, const int64_t *input2,
                        bool *output);

tb_status_t tb_equal_bool(const tb_broadcast_t *shape, const bool *input1, const bool *input2,
                         bool *output);

tb_status_t tb_equal_s8(const tb_compare_params_t *params, const tb_broadcast_t *shape,
                       const int8_t *input1, const int8_t *input2, bool *output);

tb_status_t tb_not_equal_f32(const tb_broadcast_t *shape, const float *input1, const float *input2,
                            bool *output);

tb_status_t tb_not_equal_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                            bool *output);

tb_status_t tb_not_equal_s64(const tb_broadcast_t *shape, const int64_t *input1, const int64_t *input2,
                            bool *output);

tb_status_t tb_not_equal_bool(const tb_broadcast_t *shape, const bool *input1, const bool *input2,
                             bool *output);

tb_status_t tb_not_equal_s8(const tb_compare_params_t *params, const tb_broadcast_t *shape,
                           const int8_t *input1, const int8_t *input2, bool *output);

tb_status_t tb_less_f32(const tb_broadcast_t *shape, const float *input1, const float *input2,
                       bool *output);

tb_status_t tb_less_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                       bool *output);

tb_status_t tb_less_s64(const tb_broadcast_t *shape, const int64_t *input1, const int64_t *input2,
                       bool *output);

tb_status_t tb_less_s8(const tb_compare_params_t *params, const tb_broadcast_t *shape,
                      const int8_t *input1, const int8_t *input2, bool *output);

tb_status_t tb_less_equal_f32(const tb_broadcast_t *shape, const float *input1, const float *input2,
                             bool *output);

tb_status_t tb_less_equal_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                             bool *output);

tb_status_t tb_less_equal_s64(const tb_broadcast_t *shape, const int64_t *input1, const int64_t *input2,
                             bool *output);

tb_status_t tb_less_equal_s8(const tb_compare_params_t *params, const tb_broadcast_t *shape,
                            const int8_t *input1, const int8_t *input2, bool *output);

tb_status_t tb_greater_f32(const tb_broadcast_t *shape, const float *input1, const float *input2,
                          bool *output);

tb_status_t tb_greater_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                          bool *output);

tb_status_t tb_greater_s64(const tb_broadcast_t *shape, const int64_t *input1, const int64_t *input2,
                          bool *output);

tb_status_t tb_greater_s8(const tb_compare_params_t *params, const tb_broadcast_t *shape,
                         const int8_t *input1, const int8_t *input2, bool *output);

tb_status_t tb_greater_equal_f32(const tb_broadcast_t *shape, const float *input1, const float *input2,
                                bool *output);

tb_status_t tb_greater_equal_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                                bool *output);

tb_status_t tb_greater_equal_s64(const tb_broadcast_t *shape, const int64_t *input1, const int64_t *input2,
                                bool *output);

tb_status_t tb_greater_equal_s8(const tb_compare_params_t *params, const tb_broadcast_t *shape,
                               const int8_t *input1, const int8_t *input2, bool *output);

#endif /* TB_COMPARE_H */
