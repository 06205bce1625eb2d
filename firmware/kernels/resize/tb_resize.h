/* RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR, bit-exact with TFLM's reference kernels (float32
 * within the documented tolerance). Which input rows and columns feed each output one, and with
 * what weights, depends only on the shapes and the options, so the generator computes them as
 * TFLM's kernels do (in float32 or 10-bit fixed point) and hands them over as tables. */
#ifndef TB_RESIZE_H
#define TB_RESIZE_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* NHWC input [batches, in_h, in_w, depth] resized to [batches, out_h, out_w, depth]. */
typedef struct {
    int32_t batches;
    int32_t in_h;
    int32_t in_w;
    int32_t depth;
    int32_t out_h;
    int32_t out_w;
} tb_resize_shape_t;

/* Nearest neighbour: the input row of each output row (out_h entries) and the input column of
 * each output column (out_w entries). */
typedef struct {
    tb_resize_shape_t shape;
    const int32_t *rows;
    const int32_t *cols;
} tb_resize_nearest_params_t;

tb_status_t tb_resize_nearest_s8(const tb_resize_nearest_params_t *params, const int8_t *input, int8_t *output);
tb_status_t tb_resize_nearest_s16(const tb_resize_nearest_params_t *params, const int16_t *input, int16_t *output);
tb_status_t tb_resize_nearest_f32(const tb_resize_nearest_params_t *params, const float *input, float *output);

/* int8 bilinear (TFLM's ResizeBilinearInteger): per output row {y0, y1, dy} and per output
 * column {x0, x1, dx}, dy = input_y - 1024 * y0 in 1/1024 steps (negative at a half-pixel edge). */
typedef struct {
    tb_resize_shape_t shape;
    const int32_t *rows; /* 3 x out_h */
    const int32_t *cols; /* 3 x out_w */
} tb_resize_bilinear_params_t;

tb_status_t tb_resize_bilinear_s8(const tb_resize_bilinear_params_t *params, const int8_t *input, int8_t *output);

/* float32 bilinear (TFLM's ResizeBilinear): per output row {y0, y1} and weights
 * {1 - (input_y - y0), input_y - y0}, per output column the same for x. */
typedef struct {
    tb_resize_shape_t shape;
    const int32_t *rows;        /* 2 x out_h */
    const float *row_weights;   /* 2 x out_h */
    const int32_t *cols;        /* 2 x out_w */
    const float *col_weights;   /* 2 x out_w */
} tb_resize_bilinear_f32_params_t;

tb_status_t tb_resize_bilinear_f32(const tb_resize_bilinear_f32_params_t *params, const float *input, float *output);

/* Shape and table checks shared by the kernels. */
static inline int tb_resize_indices_valid(const int32_t *indices, int32_t count, int32_t stride, int32_t limit)
{
    for (int32_t i = 0; i < count; i++) {
        for (int32_t k = 0; k < stride && k < 2; k++) {
            if (indices[i * stride + k] < 0 || indices[i * stride + k] >= limit) {
                return 0;
            }
        }
    }
    return 1;
}

static inline int tb_resize_shape_valid(const tb_resize_shape_t *s)
{
    return s->batches > 0 && s->in_h > 0 && s->in_w > 0 && s->depth > 0 && s->out_h > 0 && s->out_w > 0;
}

#endif /* TB_RESIZE_H */
