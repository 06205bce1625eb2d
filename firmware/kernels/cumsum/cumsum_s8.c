/* int8 CUMSUM as TFLM's reference CumSum: every x - zero point scaled to 2^20 / 2 steps, summed in
 * int32 (wrapping) from the scaled negated zero point as TFLM starts, each sum rescaled to the
 * output and clamped. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "cumsum/tb_cumsum.h"

#define TB_CUMSUM_LEFT_SHIFT 20

static int32_t tb_cumsum_scale_input(int32_t value, const tb_cumsum_params_t *params)
{
    const int32_t shifted = (int32_t)((uint32_t)value << TB_CUMSUM_LEFT_SHIFT);
    return tb_multiply_by_quantized_multiplier(shifted, params->input_quant.multiplier, params->input_quant.shift);
}

tb_status_t tb_cumsum_s8(const tb_cumsum_shape_t *shape, const tb_cumsum_params_t *params, const int8_t *input,
                         int8_t *output)
{
    if (shape == NULL || params == NULL || input == NULL || output == NULL || shape->inner < 1 ||
        shape->depth < 1 || shape->outer < 1 || params->input_quant.shift > 0 || params->input_quant.shift < -31 ||
        params->output_quant.shift > 0 || params->output_quant.shift < -31) {
        return TB_ERR_ARG;
    }
    const size_t inner = (size_t)shape->inner, depth = (size_t)shape->depth, outer = (size_t)shape->outer;
    const int32_t start = tb_cumsum_scale_input(params->input_offset, params);
    for (size_t o = 0; o < outer; o++) {
        const size_t oa = shape->reverse ? outer - 1 - o : o;
        for (size_t i = 0; i < inner; i++) {
            const size_t ia = shape->reverse ? inner - 1 - i : i;
            uint32_t acc = (uint32_t)start;
            for (size_t d = 0; d < depth; d++) {
                const size_t da = shape->reverse ? depth - 1 - d : d;
                const size_t index = oa + ia * depth * outer + da * outer;
                const int32_t scaled = tb_cumsum_scale_input(params->input_offset + input[index], params);
                int32_t sum;
                if (shape->exclusive) {
                    sum = (int32_t)acc;
                    acc += (uint32_t)scaled;
                } else {
                    acc += (uint32_t)scaled;
                    sum = (int32_t)acc;
                }
                const int32_t value = tb_multiply_by_quantized_multiplier(sum, params->output_quant.multiplier,
                                                                          params->output_quant.shift) +
                                      params->output_offset;
                output[index] = (int8_t)tb_clamp_s32(value, -128, 127);
            }
        }
    }
    return TB_OK;
}
