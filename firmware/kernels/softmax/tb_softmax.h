/* SOFTMAX over the last dimension: int8 -> int8, int8 -> int16, int16 -> int16 (bit-exact with
 * TFLM) and float32. */
#ifndef TB_SOFTMAX_H
#define TB_SOFTMAX_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* int8 SOFTMAX: differences to the row maximum are scaled by beta * input scale into Q5.26
 * (input_quant, shift >= 0); differences below diff_min contribute nothing. The output has
 * zero point -128 and scale 1/256. */
typedef struct {
    tb_quant_t input_quant;
    int32_t diff_min; /* <= 0 */
} tb_softmax_params_t;

/* int16 SOFTMAX: differences to the row maximum are rescaled by input_quant so that [-65535, 0]
 * spans [-10, 0], then read from TFLM's exp table; the sum's reciprocal comes from its 1/(1 + x)
 * table. Both tables hold 513 entries (TB_SOFTMAX_S16_LUT_SIZE) and live in flash. */
#define TB_SOFTMAX_S16_LUT_SIZE 513
typedef struct {
    tb_quant_t input_quant;
    const int16_t *exp_lut;
    const int16_t *one_over_one_plus_x_lut;
} tb_softmax_s16_params_t;

/* int8 -> int8 SOFTMAX with its exponentials tabulated by the generator: for every difference d
 * = row max - x (0..255), exp_lut[d] is the Q0 exp TFLM computes for it and sum_lut[d] that value
 * rescaled into the Q12.19 sum (both 0 below diff_min, which gives TFLM's -128). Bit-exact with
 * tb_softmax_s8. */
#define TB_SOFTMAX_S8_LUT_SIZE 256
typedef struct {
    const int32_t *exp_lut;
    const int32_t *sum_lut;
} tb_softmax_lut_params_t;

/* float32 SOFTMAX: exp((x - max) * beta) / sum. */
typedef struct {
    float beta;
} tb_softmax_f32_params_t;

/* outer_size rows of depth values each, row-major. */
tb_status_t tb_softmax_s8(const tb_softmax_params_t *params,
                          int32_t outer_size,
                          int32_t depth,
                          const int8_t *input,
                          int8_t *output);

/* int8 input, int16 output with zero point -32768 and scale 1/65536; same parameters as int8. */
tb_status_t tb_softmax_s8_s16(const tb_softmax_params_t *params,
                              int32_t outer_size,
                              int32_t depth,
                              const int8_t *input,
                              int16_t *output);

tb_status_t tb_softmax_s8_lut(const tb_softmax_lut_params_t *params,
                              int32_t outer_size,
                              int32_t depth,
                              const int8_t *input,
                              int8_t *output);

/* int8 -> int16 from the same tables (output zero point -32768, scale 1/65536). */
tb_status_t tb_softmax_s8_s16_lut(const tb_softmax_lut_params_t *params,
                                  int32_t outer_size,
                                  int32_t depth,
                                  const int8_t *input,
                                  int16_t *output);

tb_status_t tb_softmax_s16(const tb_softmax_s16_params_t *params,
                           int32_t outer_size,
                           int32_t depth,
                           const int16_t *input,
                           int16_t *output);

tb_status_t tb_softmax_f32(const tb_softmax_f32_params_t *params,
                           int32_t outer_size,
                           int32_t depth,
                           const float *input,
                           float *output);

#endif /* TB_SOFTMAX_H */
