/* Checks shared by the DSP convolution kernels (packed int16 filter, generation-time rescale). */
#ifndef TB_CONV2D_DSP_COMMON_H
#define TB_CONV2D_DSP_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_dsp_gemm.h"
#include "conv2d/conv2d_common.h"
#include "conv2d/tb_conv2d.h"

/* TB_ERR_ARG for a missing argument or inconsistent shapes; TB_ERR_NO_IMPL for a grouped
 * convolution, which only the reference kernel runs. */
static inline tb_status_t tb_conv2d_dsp_check_args(const tb_conv_params_t *params,
                                                   const tb_dsp_requant_t *rq,
                                                   const tb_dims_t *input_dims,
                                                   const int8_t *input,
                                                   const tb_dims_t *filter_dims,
                                                   const int16_t *filter,
                                                   const tb_dims_t *output_dims,
                                                   const int8_t *output)
{
    if (params == NULL || rq == NULL || rq->bias == NULL || rq->multiplier == NULL ||
        rq->shift == NULL || input_dims == NULL || input == NULL || filter_dims == NULL ||
        filter == NULL || output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status =
        tb_conv2d_check_shapes(&params->stride, &params->padding, &params->dilation, input_dims,
                               filter_dims, NULL, 0, output_dims);
    if (status != TB_OK || params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    if (filter_dims->c != input_dims->c) {
        return TB_ERR_NO_IMPL;
    }
    return TB_OK;
}

#endif /* TB_CONV2D_DSP_COMMON_H */
