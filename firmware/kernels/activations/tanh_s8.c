/* int8 TANH, matching TFLM's reference: gemmlowp's fixed-point tanh on Q4.27 inputs, written
 * in 1/128 steps with zero point 0 (TFLM does not read the output's quantization). */
#include <stddef.h>

#include "activations/sigmoid_common.h"
#include "activations/tb_activations.h"
#include "activations/tb_fixedpoint_math.h"
#include "common/tb_requant.h"

static inline int8_t tb_tanh_s8_curve(int32_t x_q4)
{
    const int32_t y_q0 = tb_fp_tanh(x_q4, 4);
    const int32_t y = tb_rounding_divide_by_pot(y_q0, 31 - 7); /* to 1/128 steps */
    return (int8_t)tb_clamp_s32(y, -128, 127);
}

tb_status_t tb_tanh_s8(const tb_sigmoid_params_t *params, int32_t size, const int8_t *input, int8_t *output)
{
    return tb_sigmoid_s8_run(params, size, input, output, tb_tanh_s8_curve);
}
