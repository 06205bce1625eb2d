/* MIRROR_PAD (REFLECT and SYMMETRIC), up to 5-D: a copy through per-axis index tables. */
#ifndef TB_MIRROR_PAD_H
#define TB_MIRROR_PAD_H

#include <stdint.h>

#include "tb_kernel_types.h"

#define TB_MIRROR_PAD_DIMS 5

/* Output extended to 5-D (`count` per axis, outermost first). `offsets` holds, axis after axis,
 * count[i] input element offsets: for output coordinate c on axis i, the input coordinate it
 * mirrors times the input's stride on that axis. Output element = input[sum of its axes' offsets]. */
typedef struct {
    int32_t count[TB_MIRROR_PAD_DIMS];
    const int32_t *offsets;
} tb_mirror_pad_params_t;

tb_status_t tb_mirror_pad_x8(const tb_mirror_pad_params_t *params, const void *input, void *output);
tb_status_t tb_mirror_pad_x32(const tb_mirror_pad_params_t *params, const void *input, void *output);

#endif /* TB_MIRROR_PAD_H */
