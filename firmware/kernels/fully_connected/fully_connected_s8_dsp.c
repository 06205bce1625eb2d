/* int8 FULLY_CONNECTED, optimized: generator-prepared int16 weights in groups of 4 units, folded
 * bias, SXTB16 + SMLAD inner loop (plain-C fallback off the Cortex-M4). Bit-exact with
 * tb_fully_connected_s8 / tb_fully_connected_per_channel_s8 (filter zero point 0). */
#include <stddef.h>

#include "common/tb_dsp_gemm.h"
#include "fully_connected/tb_fully_connected.h"

tb_status_t tb_fully_connected_s8_dsp(const tb_fc_params_t *params,
                                      const tb_dsp_requant_t *quant,
                                      const tb_dims_t *input_dims,
                                      const int8_t *input,
                                      const tb_dims_t *filter_dims,
                                      const int16_t *filter,
                                      const tb_dims_t *output_dims,
                                      int8_t *output)
{
    if (params == NULL || quant == NULL || quant->bias == NULL || quant->multiplier == NULL ||
        quant->shift == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (input_dims->c != filter_dims->c || output_dims->c != filter_dims->n ||
        output_dims->n != input_dims->n || input_dims->n < 0 || filter_dims->n < 1 ||
        filter_dims->c < 1 || params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    if (params->filter_offset != 0) {
        return TB_ERR_NO_IMPL; /* the folded bias assumes symmetric weights */
    }
    const int32_t batches = input_dims->n, depth = filter_dims->c, units = filter_dims->n;
    if (!tb_requant_shifts_valid(quant, units)) {
        return TB_ERR_ARG;
    }
    if (batches > 0) {
        tb_dsp_gemm_rows(input, depth, batches, (size_t)depth, filter, units, quant,
                         params->output_offset, &params->activation, output);
    }
    return TB_OK;
}
