/* Parts shared by the FULLY_CONNECTED kernels: argument checks and the integer dot product. */
#ifndef TB_FULLY_CONNECTED_COMMON_H
#define TB_FULLY_CONNECTED_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "tb_kernel_types.h"
#include "fully_connected/tb_fully_connected.h"

static inline tb_status_t tb_fc_check_args(const tb_fc_params_t *params,
                                           const tb_dims_t *input_dims,
                                           const int8_t *input,
                                           const tb_dims_t *filter_dims,
                                           const int8_t *filter,
                                           const tb_dims_t *bias_dims,
                                           const int32_t *bias,
                                           const tb_dims_t *output_dims,
                                           const int8_t *output)
{
    if (params == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (input_dims->c != filter_dims->c || output_dims->c != filter_dims->n ||
        output_dims->n != input_dims->n || input_dims->n < 0 || filter_dims->n < 0 ||
        filter_dims->c < 0) {
        return TB_ERR_ARG;
    }
    if (bias != NULL && (bias_dims == NULL || bias_dims->c != filter_dims->n)) {
        return TB_ERR_ARG;
    }
    if (params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    return TB_OK;
}

static inline int32_t tb_fc_check_shift(int32_t shift)
{
    return shift >= -31 && shift <= 31;
}

/* sum over d of (filter[d] + filter_offset) * (input[d] + input_offset) */
static inline int32_t tb_fc_dot_s8(const int8_t *input,
                                   const int8_t *filter,
                                   int32_t depth,
                                   int32_t input_offset,
                                   int32_t filter_offset)
{
    int32_t acc = 0;
    for (int32_t d = 0; d < depth; d++) {
        acc += ((int32_t)filter[d] + filter_offset) * ((int32_t)input[d] + input_offset);
    }
    return acc;
}

#endif /* TB_FULLY_CONNECTED_COMMON_H */
