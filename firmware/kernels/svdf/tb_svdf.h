/* SVDF (singular value decomposition filter, TFLM's keyword models): a feature matmul whose
 * results enter a per-filter memory of the last memory_size values (the variable state tensor,
 * kept from one inference to the next), a time-weighted sum over that memory, rank filters summed
 * per unit, plus bias. int8 with int16 or int8 state (bit-exact with TFLM's
 * EvalIntegerSvdfReference) and float32. */
#ifndef TB_SVDF_H
#define TB_SVDF_H

#include <math.h> /* INFINITY, for the float32 activation bounds */
#include <stdint.h>

#include "tb_kernel_types.h"

typedef struct {
    int32_t batches;
    int32_t input_size;
    int32_t num_filters; /* num_units * rank */
    int32_t rank;
    int32_t memory_size;
} tb_svdf_dims_t;

/* int8 SVDF: the feature dot products are rescaled by feature_quant into the state's type (and
 * its zero point added), the sums of time products plus bias by output_quant into int8. */
typedef struct {
    tb_svdf_dims_t dims;
    int32_t input_zero_point;
    int32_t state_zero_point;
    int32_t output_zero_point;
    tb_quant_t feature_quant;
    tb_quant_t output_quant;
} tb_svdf_s8_params_t;

/* float32 SVDF: the fused activation as a clamp (NONE, RELU, RELU_N1_TO_1, RELU6). */
typedef struct {
    tb_svdf_dims_t dims;
    float activation_min;
    float activation_max;
} tb_svdf_f32_params_t;

/* weights_feature [num_filters, input_size], weights_time [num_filters, memory_size], bias
 * [num_filters / rank] (int32; required), state [batches, num_filters * memory_size]. */
tb_status_t tb_svdf_s8_s16(const tb_svdf_s8_params_t *params,
                           const int8_t *input,
                           const int8_t *weights_feature,
                           const int16_t *weights_time,
                           const int32_t *bias,
                           int16_t *state,
                           int8_t *output);

tb_status_t tb_svdf_s8(const tb_svdf_s8_params_t *params,
                       const int8_t *input,
                       const int8_t *weights_feature,
                       const int8_t *weights_time,
                       const int32_t *bias,
                       int8_t *state,
                       int8_t *output);

/* The optimized set's forms of the two above (same arguments, bit-exact with them). */
tb_status_t tb_svdf_s8_s16_dsp(const tb_svdf_s8_params_t *params,
                               const int8_t *input,
                               const int8_t *weights_feature,
                               const int16_t *weights_time,
                               const int32_t *bias,
                               int16_t *state,
                               int8_t *output);

tb_status_t tb_svdf_s8_dsp(const tb_svdf_s8_params_t *params,
                           const int8_t *input,
                           const int8_t *weights_feature,
                           const int8_t *weights_time,
                           const int32_t *bias,
                           int8_t *state,
                           int8_t *output);

/* bias may be NULL (then 0). */
tb_status_t tb_svdf_f32(const tb_svdf_f32_params_t *params,
                        const float *input,
                        const float *weights_feature,
                        const float *weights_time,
                        const float *bias,
                        float *state,
                        float *output);

#endif /* TB_SVDF_H */
