/* Argument checks shared by the DEPTHWISE_CONV_2D kernels. */
#ifndef TB_DEPTHWISE_CONV2D_COMMON_H
#define TB_DEPTHWISE_CONV2D_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_window.h"
#include "tb_kernel_types.h"

static inline tb_status_t tb_depthwise_check_shapes(int32_t depth_multiplier,
                                                    const tb_tile_t *stride,
                                                    const tb_tile_t *padding,
                                                    const tb_tile_t *dilation,
                                                    const tb_dims_t *input_dims,
                                                    const tb_dims_t *filter_dims,
                                                    const tb_dims_t *bias_dims,
                                                    int has_bias,
                                                    const tb_dims_t *output_dims)
{
    if (depth_multiplier < 1 || !tb_window_valid(stride, padding, dilation)) {
        return TB_ERR_ARG;
    }
    if (!tb_dims_positive(input_dims) || !tb_dims_positive(filter_dims) ||
        !tb_dims_positive(output_dims)) {
        return TB_ERR_ARG;
    }
    if (input_dims->n != output_dims->n || filter_dims->n != 1 ||
        filter_dims->c != output_dims->c || output_dims->c != input_dims->c * depth_multiplier) {
        return TB_ERR_ARG;
    }
    if (has_bias && (bias_dims == NULL || bias_dims->c != output_dims->c)) {
        return TB_ERR_ARG;
    }
    return TB_OK;
}

#endif /* TB_DEPTHWISE_CONV2D_COMMON_H */
