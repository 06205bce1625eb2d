/* STRIDED_SLICE kernels (up to 5-D, TFLM micro's masks folded by the generator), by element width. */
#ifndef TB_STRIDED_SLICE_H
#define TB_STRIDED_SLICE_H

#include <stdint.h>

#include "common/tb_strided_copy.h"
#include "tb_kernel_types.h"

/* Per axis: count = elements taken, step = stride * input stride, base = first element. */
typedef tb_strided_copy_t tb_strided_slice_params_t;

tb_status_t tb_strided_slice_x8(const tb_strided_slice_params_t *params, const void *input, void *output);
tb_status_t tb_strided_slice_x16(const tb_strided_slice_params_t *params, const void *input, void *output);
tb_status_t tb_strided_slice_x32(const tb_strided_slice_params_t *params, const void *input, void *output);
tb_status_t tb_strided_slice_x64(const tb_strided_slice_params_t *params, const void *input, void *output);

#endif /* TB_STRIDED_SLICE_H */
