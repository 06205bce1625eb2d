/* Walking a broadcast shape: shared by the binary elementwise kernels. */
#ifndef TB_BROADCAST_H
#define TB_BROADCAST_H

#include <stddef.h>
#include <stdint.h>

#include "elementwise/tb_elementwise.h"

static inline tb_status_t tb_broadcast_check(const tb_broadcast_t *shape)
{
    if (shape == NULL) {
        return TB_ERR_ARG;
    }
    for (int32_t d = 0; d < TB_BROADCAST_MAX_RANK; d++) {
        if (shape->dims[d] < 1 || shape->input1_strides[d] < 0 || shape->input2_strides[d] < 0) {
            return TB_ERR_ARG;
        }
    }
    return TB_OK;
}

/* Number of innermost rows: the product of every dimension but the last. */
static inline int32_t tb_broadcast_rows(const tb_broadcast_t *shape)
{
    int32_t rows = 1;
    for (int32_t d = 0; d < TB_BROADCAST_MAX_RANK - 1; d++) {
        rows *= shape->dims[d];
    }
    return rows;
}

/* Element offsets of both inputs at the start of innermost row `row` (row-major order). */
static inline void tb_broadcast_row_offsets(const tb_broadcast_t *shape,
                                            int32_t row,
                                            size_t *offset1,
                                            size_t *offset2)
{
    size_t o1 = 0;
    size_t o2 = 0;
    for (int32_t d = TB_BROADCAST_MAX_RANK - 2; d >= 0; d--) {
        const int32_t index = row % shape->dims[d];
        row /= shape->dims[d];
        o1 += (size_t)index * (size_t)shape->input1_strides[d];
        o2 += (size_t)index * (size_t)shape->input2_strides[d];
    }
    *offset1 = o1;
    *offset2 = o2;
}

/* Computes output element `index` from input elements `offset1` and `offset2`; `args` holds the
 * kernel's parameters and tensors. */
typedef void (*tb_broadcast_element_fn)(const void *args, size_t index, size_t offset1, size_t offset2);

/* Calls element() for every output element in row-major order, with the input offsets the
 * broadcast maps it to. The kernels pass a constant static function, which -O2 inlines. */
static inline void tb_broadcast_walk(const tb_broadcast_t *shape, tb_broadcast_element_fn element,
                                     const void *args)
{
    const int32_t rows = tb_broadcast_rows(shape);
    const int32_t width = shape->dims[TB_BROADCAST_MAX_RANK - 1];
    const size_t step1 = (size_t)shape->input1_strides[TB_BROADCAST_MAX_RANK - 1];
    const size_t step2 = (size_t)shape->input2_strides[TB_BROADCAST_MAX_RANK - 1];
    size_t index = 0;
    for (int32_t row = 0; row < rows; row++) {
        size_t offset1;
        size_t offset2;
        tb_broadcast_row_offsets(shape, row, &offset1, &offset2);
        for (int32_t i = 0; i < width; i++) {
            element(args, index++, offset1, offset2);
            offset1 += step1;
            offset2 += step2;
        }
    }
}

/* The tensors of a float32 kernel (ADD, SUB, MUL), handed to its element function. */
typedef struct {
    const tb_activation_f32_t *activation;
    const float *input1;
    const float *input2;
    float *output;
} tb_binary_f32_args_t;

/* Checks the arguments of a float32 kernel, then computes every element with element(). */
static inline tb_status_t tb_binary_f32_run(const tb_activation_f32_t *activation,
                                            const tb_broadcast_t *shape,
                                            const float *input1,
                                            const float *input2,
                                            float *output,
                                            tb_broadcast_element_fn element)
{
    if (activation == NULL || input1 == NULL || input2 == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status = tb_broadcast_check(shape);
    if (status != TB_OK) {
        return status;
    }
    const tb_binary_f32_args_t args = {activation, input1, input2, output};
    tb_broadcast_walk(shape, element, &args);
    return TB_OK;
}

#endif /* TB_BROADCAST_H */
