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

/* The ring form of the optimized int8 SVDF (svdf_s8_s16_ring_dsp.c, svdf_s8_ring_dsp.c): the
 * state is not shifted; each filter's memory is a ring whose oldest value is at slot `*ring`
 * (0 .. memory_size - 1, kept across inferences beside the state and reset with it to 0), so an
 * inference writes one value per filter where the oldest was and advances the slot. The time
 * weights are stored twice in a row ([num_filters, 2 x memory_size]), so that the products of a
 * ring in its physical order with the weights starting memory_size - new slot in are one
 * contiguous dot product. The input zero point is folded into feature_bias (-zp x row sums,
 * [num_filters rounded up to 4]); the state zero point into unit_bias (bias - zp x the time
 * weights' sum over each unit's filters); feature_weights are common/tb_dsp_gemm.h's int16
 * layout. Outputs bit-exact with tb_svdf_s8_s16 / tb_svdf_s8 over any sequence of inferences,
 * the state itself being the same values in rotated order. */
typedef struct {
    tb_svdf_dims_t dims;
    int32_t state_zero_point;
    int32_t output_zero_point;
    tb_quant_t feature_quant; /* multiplier >= 0 */
    tb_quant_t output_quant;  /* multiplier >= 0 */
} tb_svdf_ring_params_t;

tb_status_t tb_svdf_s8_s16_ring_dsp(const tb_svdf_ring_params_t *params,
                                    const int8_t *input,
                                    const int16_t *feature_weights,
                                    const int32_t *feature_bias,
                                    const int16_t *time_weights,
                                    const int32_t *unit_bias,
                                    int16_t *state,
                                    int32_t *ring,
                                    int8_t *output);

tb_status_t tb_svdf_s8_ring_dsp(const tb_svdf_ring_params_t *params,
                                const int8_t *input,
                                const int16_t *feature_weights,
                                const int32_t *feature_bias,
                                const int8_t *time_weights,
                                const int32_t *unit_bias,
                                int8_t *state,
                                int32_t *ring,
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
