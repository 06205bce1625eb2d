/* The per-element arithmetic shared by ADD and SUB (int8 and int16), as TFLM's reference computes
 * it: int16 uses the same general path with a left shift of 15 (TFLM's micro kernels never take
 * the power-of-two int16 path, whatever the model's pot_scale_int16 says). */
#ifndef TB_ADD_SUB_COMMON_H
#define TB_ADD_SUB_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_requant.h"
#include "elementwise/broadcast.h"
#include "elementwise/tb_elementwise.h"

static inline tb_status_t tb_add_sub_check(const tb_add_params_t *params,
                                           const tb_broadcast_t *shape,
                                           const void *input1,
                                           const void *input2,
                                           const void *output)
{
    if (params == NULL || input1 == NULL || input2 == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (params->left_shift < 0 || params->left_shift > 20 ||
        params->input1_quant.shift > 0 || params->input1_quant.shift < -31 ||
        params->input2_quant.shift > 0 || params->input2_quant.shift < -31 ||
        params->output_quant.shift > 0 || params->output_quant.shift < -31 ||
        params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    return tb_broadcast_check(shape);
}

/* One input value moved to the common scale: ((x + offset) << left_shift) * multiplier. */
static inline int32_t tb_add_sub_scale_input(int32_t x, int32_t offset, int32_t left_shift,
                                             const tb_quant_t *quant)
{
    const int32_t shifted = (x + offset) * (1 << left_shift);
    return tb_multiply_by_quantized_multiplier(shifted, quant->multiplier, quant->shift);
}

/* The tensors of ADD or SUB (int8), handed to its element function. */
typedef struct {
    const tb_add_params_t *params;
    const int8_t *input1;
    const int8_t *input2;
    int8_t *output;
} tb_add_sub_args_t;

/* Both inputs of one output element moved to the common scale. */
static inline void tb_add_sub_scale_inputs(const tb_add_sub_args_t *a, size_t offset1, size_t offset2,
                                           int32_t *scaled1, int32_t *scaled2)
{
    const tb_add_params_t *p = a->params;
    *scaled1 = tb_add_sub_scale_input(a->input1[offset1], p->input1_offset, p->left_shift, &p->input1_quant);
    *scaled2 = tb_add_sub_scale_input(a->input2[offset2], p->input2_offset, p->left_shift, &p->input2_quant);
}

/* The sum (or difference) on the common scale, moved to the output scale and clamped. */
static inline int32_t tb_add_sub_finish_s32(int32_t raw, const tb_add_params_t *params)
{
    int32_t out = tb_multiply_by_quantized_multiplier(raw, params->output_quant.multiplier,
                                                      params->output_quant.shift);
    out += params->output_offset;
    return tb_clamp_s32(out, params->activation.min, params->activation.max);
}

static inline int8_t tb_add_sub_finish(int32_t raw, const tb_add_params_t *params)
{
    return (int8_t)tb_add_sub_finish_s32(raw, params);
}

/* Checks the arguments of ADD or SUB, then computes every element with element(). */
static inline tb_status_t tb_add_sub_run(const tb_add_params_t *params,
                                         const tb_broadcast_t *shape,
                                         const int8_t *input1,
                                         const int8_t *input2,
                                         int8_t *output,
                                         tb_broadcast_element_fn element)
{
    const tb_status_t status = tb_add_sub_check(params, shape, input1, input2, output);
    if (status != TB_OK) {
        return status;
    }
    const tb_add_sub_args_t args = {params, input1, input2, output};
    tb_broadcast_walk(shape, element, &args);
    return TB_OK;
}

/* The tensors of ADD or SUB (int16), handed to its element function. */
typedef struct {
    const tb_add_params_t *params;
    const int16_t *input1;
    const int16_t *input2;
    int16_t *output;
} tb_add_sub_s16_args_t;

/* Both int16 inputs of one output element moved to the common scale. */
static inline void tb_add_sub_s16_scale_inputs(const tb_add_sub_s16_args_t *a, size_t offset1, size_t offset2,
                                               int32_t *scaled1, int32_t *scaled2)
{
    const tb_add_params_t *p = a->params;
    *scaled1 = tb_add_sub_scale_input(a->input1[offset1], p->input1_offset, p->left_shift, &p->input1_quant);
    *scaled2 = tb_add_sub_scale_input(a->input2[offset2], p->input2_offset, p->left_shift, &p->input2_quant);
}

/* Checks the arguments of ADD or SUB (int16), then computes every element with element(). The
 * left shift must be 15 or less: (x + offset) << left_shift then stays inside int32. */
static inline tb_status_t tb_add_sub_s16_run(const tb_add_params_t *params,
                                             const tb_broadcast_t *shape,
                                             const int16_t *input1,
                                             const int16_t *input2,
                                             int16_t *output,
                                             tb_broadcast_element_fn element)
{
    const tb_status_t status = tb_add_sub_check(params, shape, input1, input2, output);
    if (status != TB_OK) {
        return status;
    }
    if (params->left_shift > 15 || params->activation.min < INT16_MIN || params->activation.max > INT16_MAX) {
        return TB_ERR_ARG;
    }
    const tb_add_sub_s16_args_t args = {params, input1, input2, output};
    tb_broadcast_walk(shape, element, &args);
    return TB_OK;
}

#endif /* TB_ADD_SUB_COMMON_H */
