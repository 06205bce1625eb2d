/* SOFTMAX int8 -> int16 (output zero point -32768, scale 1/65536), matching TFLM's reference
 * kernel bit for bit: the int8 arithmetic of softmax_s8_common.h with a 16-bit final shift. */
#include "softmax/softmax_s8_common.h"

tb_status_t tb_softmax_s8_s16(const tb_softmax_params_t *params,
                              int32_t outer_size,
                              int32_t depth,
                              const int8_t *input,
                              int16_t *output)
{
    if (params == NULL || input == NULL || output == NULL || outer_size < 0 || depth < 1) {
        return TB_ERR_ARG;
    }
    if (!tb_softmax_params_valid(params)) {
        return TB_ERR_ARG;
    }
    for (int32_t row = 0; row < outer_size; row++) {
        const int8_t *in = input + (size_t)row * (size_t)depth;
        int16_t *out = output + (size_t)row * (size_t)depth;
        int32_t max_in_row, shifted_scale, exponent;
        if (!tb_softmax_s8_row_scale(params, in, depth, 16, &max_in_row, &shifted_scale, &exponent)) {
            return TB_ERR_ARG; /* TFLM aborts here */
        }
        for (int32_t c = 0; c < depth; c++) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff >= params->diff_min) {
                const int32_t unsat = tb_softmax_s8_unsaturated(params, diff, shifted_scale, exponent);
                out[c] = (int16_t)tb_clamp_s32(unsat - 32768, -32768, 32767);
            } else {
                out[c] = -32768;
            }
        }
    }
    return TB_OK;
}
