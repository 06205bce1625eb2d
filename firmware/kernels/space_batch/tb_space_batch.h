/* SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (TFLM reference order), for any element width: both
 * only move whole pixels (depth x element bytes), like TFLM's memcpy / memset.
 *
 * Shapes are NHWC; a 3-D NHC tensor is passed with w = 1 and block.w = 1 (as TFLM extends it).
 * SPACE_TO_BATCH_ND: output batch ob reads input batch ob % in.n at block offset
 * (dy, dx) = ((ob / in.n) / block.w, (ob / in.n) % block.w); output pixel (y, x) is input pixel
 * (y * block.h + dy - before.h, x * block.w + dx - before.w), or `pad_byte` in every byte of the
 * pixel when that lies outside the input.
 * BATCH_TO_SPACE_ND: input batch ib goes to output batch ib % out.n at block offset
 * (dy, dx) = ((ib / out.n) / block.w, (ib / out.n) % block.w); input pixel (y, x) lands on
 * (y * block.h + dy - before.h, x * block.w + dx - before.w) when that is inside the output
 * (before = the crops at the top and left).
 */
#ifndef TB_SPACE_BATCH_H
#define TB_SPACE_BATCH_H

#include <stdint.h>

#include "common/tb_window.h"
#include "tb_kernel_types.h"

typedef struct {
    tb_dims_t input;
    tb_dims_t output;
    tb_tile_t block;         /* >= 1 */
    tb_tile_t before;        /* paddings (SPACE_TO_BATCH_ND) or crops (BATCH_TO_SPACE_ND), >= 0 */
    int32_t element_bytes;   /* 1, 2 or 4 */
    uint8_t pad_byte;        /* SPACE_TO_BATCH_ND: every byte of a padding pixel */
} tb_space_batch_params_t;

tb_status_t tb_space_to_batch_nd(const tb_space_batch_params_t *params, const void *input, void *output);
tb_status_t tb_batch_to_space_nd(const tb_space_batch_params_t *params, const void *input, void *output);

#endif /* TB_SPACE_BATCH_H */
