/* ADD_N: the elementwise sum of 2 to TB_ADD_N_MAX_INPUTS tensors of one shape, as TFLM's AddN:
 * float32 summed in input order from 0.0f; int8 on TFLM's common scale (each input shifted left by
 * 20 and halved, the sum rescaled to the output), every input sharing one scale and zero point. */
#ifndef TB_ADD_N_H
#define TB_ADD_N_H

#include <stdint.h>

#include "common/tb_requant.h"
#include "tb_kernel_types.h"

#define TB_ADD_N_MAX_INPUTS 16

typedef struct {
    int32_t count;
    const float *inputs[TB_ADD_N_MAX_INPUTS];
} tb_add_n_f32_params_t;

/* The generator derives these as TFLM's add_n.cc CalculateOpData. */
typedef struct {
    int32_t count;
    const int8_t *inputs[TB_ADD_N_MAX_INPUTS];
    int32_t input_offset;  /* -zero point of every input */
    int32_t output_offset; /* output zero point */
    int32_t left_shift;    /* 20 */
    tb_quant_t input_quant;  /* 1/2; shift <= 0 */
    tb_quant_t output_quant; /* shift <= 0 */
    tb_activation_t activation;
} tb_add_n_s8_params_t;

tb_status_t tb_add_n_f32(const tb_add_n_f32_params_t *params, int32_t size, float *output);

tb_status_t tb_add_n_s8(const tb_add_n_s8_params_t *params, int32_t size, int8_t *output);

#endif /* TB_ADD_N_H */
