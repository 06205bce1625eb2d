/* BATCH_MATMUL: out[b][r][c] = sum over k of lhs[b][r][k] * rhs[b][k][c], with up to three
 * broadcast batch dimensions; bit-exact with TFLM's reference kernel (float32 within the
 * documented tolerance). adj_x / adj_y are folded into the strides by the generator, so no
 * operand is transposed at run time. */
#ifndef TB_BATCH_MATMUL_H
#define TB_BATCH_MATMUL_H

#include <stdint.h>

#include "tb_kernel_types.h"

#define TB_BATCH_MATMUL_BATCH_DIMS 3

typedef struct {
    int32_t batches[TB_BATCH_MATMUL_BATCH_DIMS];           /* output batch dimensions, left-padded with 1 */
    int32_t lhs_batch_strides[TB_BATCH_MATMUL_BATCH_DIMS]; /* element strides, 0 where lhs broadcasts */
    int32_t rhs_batch_strides[TB_BATCH_MATMUL_BATCH_DIMS];
    int32_t rows;  /* output rows (from lhs) */
    int32_t cols;  /* output columns (from rhs) */
    int32_t depth; /* the summed dimension */
    int32_t lhs_row_stride;
    int32_t lhs_depth_stride;
    int32_t rhs_depth_stride;
    int32_t rhs_col_stride;
} tb_batch_matmul_shape_t;

/* int8 / int16: sum of (lhs - lhs zero point) * (rhs - rhs zero point), rescaled by
 * s_lhs * s_rhs / s_out (int8: TFLM's 32-bit MultiplyByQuantizedMultiplier on an int32 sum;
 * int16: its 64-bit one on an int64 sum), plus the output zero point, clamped to the type. */
typedef struct {
    int32_t lhs_offset;    /* -lhs zero point */
    int32_t rhs_offset;    /* -rhs zero point */
    int32_t output_offset; /* output zero point */
    tb_quant_t quant;
} tb_batch_matmul_params_t;

tb_status_t tb_batch_matmul_f32(const tb_batch_matmul_shape_t *shape, const float *lhs, const float *rhs,
                                float *output);
tb_status_t tb_batch_matmul_s8(const tb_batch_matmul_shape_t *shape, const tb_batch_matmul_params_t *params,
                               const int8_t *lhs, const int8_t *rhs, int8_t *output);
tb_status_t tb_batch_matmul_s16(const tb_batch_matmul_shape_t *shape, const tb_batch_matmul_params_t *params,
                                const int16_t *lhs, const int16_t *rhs, int16_t *output);

static inline int tb_batch_matmul_shape_valid(const tb_batch_matmul_shape_t *s)
{
    for (int d = 0; d < TB_BATCH_MATMUL_BATCH_DIMS; d++) {
        if (s->batches[d] < 1 || s->lhs_batch_strides[d] < 0 || s->rhs_batch_strides[d] < 0) {
            return 0;
        }
    }
    return s->rows > 0 && s->cols > 0 && s->depth > 0 && s->lhs_row_stride >= 0 && s->lhs_depth_stride >= 0 &&
           s->rhs_depth_stride >= 0 && s->rhs_col_stride >= 0;
}

#endif /* TB_BATCH_MATMUL_H */
