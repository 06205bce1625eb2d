/* Optimized int8 ADD (no broadcasting), bit-exact with tb_add_s8.
 *
 * The generator tabulates each input's rescaling ahead of time: lut[x + 128] holds TFLM's
 * MultiplyByQuantizedMultiplierSmallerThanOne((x + offset) << left_shift) for every int8 x, so
 * an element costs two byte loads, two table loads, an add and the output requantization
 * (common/tb_requant.h, one row of TB_RQ_* words; the sum is doubled before it).
 */
#ifndef TB_ELEMENTWISE_DSP_H
#define TB_ELEMENTWISE_DSP_H

#include <stdint.h>

#include "tb_kernel_types.h"

typedef struct {
    const int32_t *input1_lut; /* 256 entries, indexed by x + 128 */
    const int32_t *input2_lut;
    const int32_t *output_requant; /* TB_RQ_WORDS words */
    tb_activation_t activation;
    int32_t clamp; /* nonzero when the activation range is narrower than int8 */
} tb_add_dsp_params_t;

tb_status_t tb_add_s8_dsp(const tb_add_dsp_params_t *params,
                          int32_t size,
                          const int8_t *input1,
                          const int8_t *input2,
                          int8_t *output);

/* Optimized int8 MUL of same-shape operands (or input2 one value), bit-exact with tb_mul_s8: the
 * product of the offset inputs is requantized in the folded form (TB_RQ_* words; the generator
 * proves it exact for every product). */
typedef struct {
    int32_t input1_offset;
    int32_t input2_offset;
    const int32_t *output_requant; /* TB_RQ_WORDS words */
    tb_activation_t activation;
    int32_t clamp; /* nonzero when the activation range is narrower than int8 */
} tb_mul_dsp_params_t;

tb_status_t tb_mul_s8_dsp(const tb_mul_dsp_params_t *params,
                          int32_t size,
                          const int8_t *input1,
                          const int8_t *input2,
                          int8_t *output);

tb_status_t tb_mul_scalar_s8_dsp(const tb_mul_dsp_params_t *params,
                                 int32_t size,
                                 const int8_t *input1,
                                 const int8_t *input2,
                                 int8_t *output);

#endif /* TB_ELEMENTWISE_DSP_H */
