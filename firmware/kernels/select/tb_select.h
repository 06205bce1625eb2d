/* SELECT_V2: output = condition ? x : y, the three operands broadcast to the output's shape
 * (up to 5-D in TFLM; TB_SELECT_MAX_RANK here). The values are copied as stored: TFLM does not
 * rescale x or y. */
#ifndef TB_SELECT_H
#define TB_SELECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tb_kernel_types.h"

#define TB_SELECT_MAX_RANK 6

/* The output shape left-padded with 1 to TB_SELECT_MAX_RANK dimensions, and each operand's
 * element strides along them (0 where it is broadcast); every dims[d] >= 1. */
typedef struct {
    int32_t dims[TB_SELECT_MAX_RANK];
    int32_t condition_strides[TB_SELECT_MAX_RANK];
    int32_t x_strides[TB_SELECT_MAX_RANK];
    int32_t y_strides[TB_SELECT_MAX_RANK];
} tb_select_shape_t;

static inline int tb_select_shape_valid(const tb_select_shape_t *shape)
{
    if (shape == NULL) {
        return 0;
    }
    for (int32_t d = 0; d < TB_SELECT_MAX_RANK; d++) {
        if (shape->dims[d] < 1 || shape->condition_strides[d] < 0 || shape->x_strides[d] < 0 ||
            shape->y_strides[d] < 0) {
            return 0;
        }
    }
    return 1;
}

/* Defines fn(shape, condition, x, y, output) for element type `type`, walking the output in
 * row-major order with an odometer over the dimensions. */
#define TB_DEFINE_SELECT(fn, type)                                                                       \
    tb_status_t fn(const tb_select_shape_t *shape, const bool *condition, const type *x, const type *y,  \
                   type *output)                                                                         \
    {                                                                                                    \
        if (!tb_select_shape_valid(shape) || condition == NULL || x == NULL || y == NULL || output == NULL) { \
            return TB_ERR_ARG;                                                                           \
        }                                                                                                \
        int32_t index[TB_SELECT_MAX_RANK] = {0};                                                         \
        size_t c = 0;                                                                                    \
        size_t xi = 0;                                                                                   \
        size_t yi = 0;                                                                                   \
        size_t total = 1;                                                                                \
        for (int32_t d = 0; d < TB_SELECT_MAX_RANK; d++) {                                               \
            total *= (size_t)shape->dims[d];                                                             \
        }                                                                                                \
        for (size_t i = 0; i < total; i++) {                                                             \
            output[i] = condition[c] ? x[xi] : y[yi];                                                    \
            for (int32_t d = TB_SELECT_MAX_RANK - 1; d >= 0; d--) {                                      \
                c += (size_t)shape->condition_strides[d];                                                \
                xi += (size_t)shape->x_strides[d];                                                       \
                yi += (size_t)shape->y_strides[d];                                                       \
                if (++index[d] < shape->dims[d]) {                                                       \
                    break;                                                                               \
                }                                                                                        \
                index[d] = 0;                                                                            \
                c -= (size_t)shape->condition_strides[d] * (size_t)shape->dims[d];                       \
                xi -= (size_t)shape->x_strides[d] * (size_t)shape->dims[d];                              \
                yi -= (size_t)shape->y_strides[d] * (size_t)shape->dims[d];                              \
            }                                                                                            \
        }                                                                                                \
        return TB_OK;                                                                                    \
    }

tb_status_t tb_select_v2_f32(const tb_select_shape_t *shape, const bool *condition, const float *x, const float *y,
                             float *output);

tb_status_t tb_select_v2_s8(const tb_select_shape_t *shape, const bool *condition, const int8_t *x, const int8_t *y,
                            int8_t *output);

tb_status_t tb_select_v2_s16(const tb_select_shape_t *shape, const bool *condition, const int16_t *x,
                             const int16_t *y, int16_t *output);

#endif /* TB_SELECT_H */
