/* TRANSPOSE kernels (up to 5-D), by element width: any 1-, 2- or 4-byte type. */
#ifndef TB_TRANSPOSE_H
#define TB_TRANSPOSE_H

#include <stdint.h>

#include "common/tb_strided_copy.h"
#include "tb_kernel_types.h"

/* output[o0..o4] = input[sum o_i * input_stride[perm[i]]]; folded into a strided copy. */
typedef tb_strided_copy_t tb_transpose_params_t;

tb_status_t tb_transpose_x8(const tb_transpose_params_t *params, const void *input, void *output);
tb_status_t tb_transpose_x16(const tb_transpose_params_t *params, const void *input, void *output);
tb_status_t tb_transpose_x32(const tb_transpose_params_t *params, const void *input, void *output);

#endif /* TB_TRANSPOSE_H */
