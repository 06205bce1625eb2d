/* Definers of simple elementwise kernels: a binary one walking a broadcast shape
 * (elementwise/broadcast.h), and a unary one over a flat tensor. Each kernel file instantiates
 * one of them with its element type and its per-element expression, so the loops and argument
 * checks are written once. */
#ifndef TB_BROADCAST_OPS_H
#define TB_BROADCAST_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elementwise/broadcast.h"
#include "elementwise/tb_elementwise.h"

/* Defines `tb_status_t fn(const params_t *params, const tb_broadcast_t *shape, const in1_t *input1,
 * const in2_t *input2, out_t *output)`: output[i] = EXPR, where EXPR reads `a` (input1's element),
 * `b` (input2's element) and `p` (the parameters). */
#define TB_DEFINE_BROADCAST_OP_MIXED(fn, params_t, in1_t, in2_t, out_t, EXPR)                          \
    tb_status_t fn(const params_t *params, const tb_broadcast_t *shape, const in1_t *input1,            \
                   const in2_t *input2, out_t *output)                                                   \
    {                                                                                                    \
        if (params == NULL || input1 == NULL || input2 == NULL || output == NULL) {                     \
            return TB_ERR_ARG;                                                                           \
        }                                                                                                \
        const tb_status_t status = tb_broadcast_check(shape);                                            \
        if (status != TB_OK) {                                                                           \
            return status;                                                                               \
        }                                                                                                \
        const params_t *const p = params;                                                                \
        (void)p;                                                                                         \
        const int32_t rows = tb_broadcast_rows(shape);                                                   \
        const int32_t width = shape->dims[TB_BROADCAST_MAX_RANK - 1];                                    \
        const size_t step1 = (size_t)shape->input1_strides[TB_BROADCAST_MAX_RANK - 1];                   \
        const size_t step2 = (size_t)shape->input2_strides[TB_BROADCAST_MAX_RANK - 1];                   \
        size_t index = 0;                                                                                \
        for (int32_t row = 0; row < rows; row++) {                                                       \
            size_t offset1;                                                                              \
            size_t offset2;                                                                              \
            tb_broadcast_row_offsets(shape, row, &offset1, &offset2);                                    \
            for (int32_t i = 0; i < width; i++) {                                                        \
                const in1_t a = input1[offset1];                                                         \
                const in2_t b = input2[offset2];                                                         \
                output[index++] = (out_t)(EXPR);                                                         \
                offset1 += step1;                                                                        \
                offset2 += step2;                                                                        \
            }                                                                                            \
        }                                                                                                \
        return TB_OK;                                                                                    \
    }

/* The same with both inputs of type in_t. */
#define TB_DEFINE_BROADCAST_OP_PARAMS(fn, params_t, in_t, out_t, EXPR) \
    TB_DEFINE_BROADCAST_OP_MIXED(fn, params_t, in_t, in_t, out_t, EXPR)

/* Parameters of a kernel that needs none (the generator passes NULL-free dummies). */
typedef struct {
    int32_t unused;
} tb_no_params_t;

/* Defines `tb_status_t fn(const tb_broadcast_t *shape, const in_t *input1, const in_t *input2,
 * out_t *output)`: output[i] = EXPR of `a` and `b`. */
#define TB_DEFINE_BROADCAST_OP(fn, in_t, out_t, EXPR)                                                  \
    static const tb_no_params_t fn##_none = {0};                                                        \
    static TB_DEFINE_BROADCAST_OP_PARAMS(fn##_impl, tb_no_params_t, in_t, out_t, EXPR)                 \
    tb_status_t fn(const tb_broadcast_t *shape, const in_t *input1, const in_t *input2, out_t *output) \
    {                                                                                                    \
        return fn##_impl(&fn##_none, shape, input1, input2, output);                                     \
    }

/* Defines `tb_status_t fn(const params_t *params, int32_t size, const in_t *input, out_t *output)`:
 * output[i] = EXPR of `x` (the input element) and `p`. */
#define TB_DEFINE_UNARY_OP_PARAMS(fn, params_t, in_t, out_t, EXPR)                                     \
    tb_status_t fn(const params_t *params, int32_t size, const in_t *input, out_t *output)              \
    {                                                                                                    \
        if (params == NULL || input == NULL || output == NULL || size < 0) {                            \
            return TB_ERR_ARG;                                                                           \
        }                                                                                                \
        const params_t *const p = params;                                                                \
        (void)p;                                                                                         \
        for (int32_t i = 0; i < size; i++) {                                                             \
            const in_t x = input[i];                                                                     \
            output[i] = (out_t)(EXPR);                                                                   \
        }                                                                                                \
        return TB_OK;                                                                                    \
    }

/* Defines `tb_status_t fn(int32_t size, const in_t *input, out_t *output)`: output[i] = EXPR of `x`. */
#define TB_DEFINE_UNARY_OP(fn, in_t, out_t, EXPR)                                                      \
    tb_status_t fn(int32_t size, const in_t *input, out_t *output)                                      \
    {                                                                                                    \
        if (input == NULL || output == NULL || size < 0) {                                               \
            return TB_ERR_ARG;                                                                           \
        }                                                                                                \
        for (int32_t i = 0; i < size; i++) {                                                             \
            const in_t x = input[i];                                                                     \
            output[i] = (out_t)(EXPR);                                                                   \
        }                                                                                                \
        return TB_OK;                                                                                    \
    }

#endif /* TB_BROADCAST_OPS_H */
