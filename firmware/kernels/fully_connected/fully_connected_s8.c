/* int8 FULLY_CONNECTED with a per-tensor output multiplier (TFLM reference arithmetic). */
#include <stddef.h>

#include "common/tb_requant.h"
#include "fully_connected/fully_connected_common.h"
#include "fully_connected/tb_fully_connected.h"

tb_status_t tb_fully_connected_s8(const tb_fc_params_t *params,
                                  const tb_quant_t *quant,
                                  const tb_dims_t *input_dims,
                                  const int8_t *input,
                                  const tb_dims_t *filter_dims,
                                  const int8_t *filter,
                                  const tb_dims_t *bias_dims,
                                  const int32_t *bias,
                                  const tb_dims_t *output_dims,
                                  int8_t *output)
{
    const tb_status_t status = tb_fc_check_args(params, input_dims, input, filter_dims, filter,
                                                bias_dims, bias, output_dims, output);
    if (status != TB_OK) {
        return status;
    }
    if (quant == NULL || !tb_fc_check_shift(quant->shift)) {
        return TB_ERR_ARG;
    }

    const int32_t batches = input_dims->n;
    const int32_t depth = filter_dims->c;
    const int32_t units = filter_dims->n;

    for (int32_t b = 0; b < batches; b++) {
        const int8_t *row = input + (size_t)b * (size_t)depth;
        for (int32_t u = 0; u < units; u++) {
            int32_t acc = tb_fc_dot_s8(row, filter + (size_t)u * (size_t)depth, depth,
                                       params->input_offset, params->filter_offset);
            if (bias != NULL) {
                acc += bias[u];
            }
            acc = tb_multiply_by_quantized_multiplier(acc, quant->multiplier, quant->shift);
            acc += params->output_offset;
            acc = tb_clamp_s32(acc, params->activation.min, params->activation.max);
            output[(size_t)b * (size_t)units + (size_t)u] = (int8_t)acc;
        }
    }
    return TB_OK;
}
