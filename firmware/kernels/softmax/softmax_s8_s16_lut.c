/* int8 -> int16 SOFTMAX (TFLM's keyword models' last layer) from the generator-made tables of
 * softmax_s8_lut.c: the exponential of each of the 256 possible differences to the row maximum
 * evaluated once at build time instead of twice per element. The sum, its reciprocal and the
 * output rounding are TFLM's, per row, with the int16 output's 16-bit final shift and zero point
 * -32768. Bit-exact with tb_softmax_s8_s16. */
#include "softmax/softmax_s8_common.h"

tb_status_t tb_softmax_s8_s16_lut(const tb_softmax_lut_params_t *params,
                                  int32_t outer_size,
                                  int32_t depth,
                                  const int8_t *input,
                                  int16_t *output)
{
    if (params == NULL || params->exp_lut == NULL || params->sum_lut == NULL || input == NULL || output == NULL ||
        outer_size < 0 || depth < 1) {
        return TB_ERR_ARG;
    }
    for (int32_t row = 0; row < outer_size; row++) {
        const int8_t *in = input + (size_t)row * (size_t)depth;
        int16_t *out = output + (size_t)row * (size_t)depth;
        int32_t max_value, shifted_scale, exponent;
        if (!tb_softmax_s8_lut_row_scale(params->sum_lut, in, depth, 16, &max_value, &shifted_scale, &exponent)) {
            return TB_ERR_ARG; /* TFLM aborts here */
        }
        for (int32_t c = 0; c < depth; c++) {
            const int32_t unsat = tb_rounding_divide_by_pot(
                tb_fp_mul(shifted_scale, params->exp_lut[max_value - in[c]]), exponent);
            out[c] = (int16_t)tb_clamp_s32(unsat - 32768, -32768, 32767);
        }
    }
    return TB_OK;
}
