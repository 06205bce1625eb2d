/* Index arithmetic shared by the reduction kernels: the input seen as the kept (outer) and the
 * reduced (inner) index spaces of a tb_reduce_shape_t. */
#ifndef TB_REDUCE_COMMON_H
#define TB_REDUCE_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "reduce/tb_reduce.h"

static inline int32_t tb_reduce_product(const int32_t *dims)
{
    int32_t product = 1;
    for (int32_t d = 0; d < TB_REDUCE_MAX_RANK; d++) {
        product *= dims[d];
    }
    return product;
}

/* Element offset of the index-th position (row-major) of a dims/strides space. */
static inline size_t tb_reduce_offset(int32_t index, const int32_t *dims, const int32_t *strides)
{
    size_t offset = 0;
    for (int32_t d = TB_REDUCE_MAX_RANK - 1; d >= 0; d--) {
        offset += (size_t)(index % dims[d]) * (size_t)strides[d];
        index /= dims[d];
    }
    return offset;
}

static inline int tb_reduce_shape_valid(const tb_reduce_shape_t *shape)
{
    for (int32_t d = 0; d < TB_REDUCE_MAX_RANK; d++) {
        if (shape->outer_dims[d] < 1 || shape->inner_dims[d] < 1 || shape->outer_strides[d] < 0 ||
            shape->inner_strides[d] < 0) {
            return 0;
        }
    }
    return 1;
}

/* The parameter checks of the rescaled (MEAN / SUM) integer kernels. */
static inline int tb_rescaled_sum_args_valid(const tb_mean_params_t *params, const tb_reduce_shape_t *shape)
{
    return tb_reduce_shape_valid(shape) && tb_reduce_product(shape->inner_dims) == params->count &&
           params->quant.shift >= -31 && params->quant.shift <= 31;
}

/* The exact sum of one output's reduced elements minus zero point x count, wrapping in 32 bits
 * as TFLM's int32 accumulator does. `read` is the element at an input offset. */
#define TB_REDUCE_SHIFTED_SUM(sum_out, base, shape, params)                                   \
    do {                                                                                      \
        uint32_t tb_acc_ = 0u;                                                                \
        for (int32_t tb_r_ = 0; tb_r_ < (params)->count; tb_r_++) {                           \
            tb_acc_ += (uint32_t)(int32_t)(base)[tb_reduce_offset(tb_r_, (shape)->inner_dims, \
                                                                  (shape)->inner_strides)];   \
        }                                                                                     \
        tb_acc_ -= (uint32_t)(params)->input_zero_point * (uint32_t)(params)->count;          \
        (sum_out) = (int32_t)tb_acc_;                                                         \
    } while (0)

#endif /* TB_REDUCE_COMMON_H */
