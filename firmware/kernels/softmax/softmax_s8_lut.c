/* int8 -> int8 SOFTMAX from generator-made tables: TFLM's reference arithmetic evaluates the
 * exponential of every element twice (for the sum and for the output); an int8 row has only 256
 * possible differences to its maximum, so the generator evaluates them once (exp_lut, sum_lut).
 * The sum, its reciprocal and the output rounding are TFLM's, per row. */
#include "softmax/softmax_s8_common.h"

tb_status_t tb_softmax_s8_lut(const tb_softmax_lut_params_t *params,
                              int32_t outer_size,
                              int32_t depth,
                              const int8_t *input,
                              int8_t *output)
{
    if (params == NULL || params->exp_lut == NULL || params->sum_lut == NULL || input == NULL || output == NULL ||
        outer_size < 0 || depth < 1) {
        return TB_ERR_ARG;
    }
    for (int32_t row = 0; row < outer_size; row++) {
        const int8_t *in = input + (size_t)row * (size_t)depth;
        int8_t *out = output + (size_t)row * (size_t)depth;
        int32_t max_value, shifted_scale, exponent;
        if (!tb_softmax_s8_lut_row_scale(params->sum_lut, in, depth, 8, &max_value, &shifted_scale, &exponent)) {
            return TB_ERR_ARG; /* TFLM aborts here */
        }
        for (int32_t c = 0; c < depth; c++) {
            const int32_t unsat = tb_rounding_divide_by_pot(
                tb_fp_mul(shifted_scale, params->exp_lut[max_value - in[c]]), exponent);
            out[c] = (int8_t)tb_clamp_s32(unsat - 128, -128, 127);
        }
    }
    return TB_OK;
}
