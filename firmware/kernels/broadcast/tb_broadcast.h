/* BROADCAST_ARGS: the broadcast shape of two shape vectors, computed at run time.
 * (BROADCAST_TO is the strided copy of strided_slice/, with step 0 on broadcast axes.) */
#ifndef TB_BROADCAST_H
#define TB_BROADCAST_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* Shape vectors of `length1` and `length2` values and an output of `out_length` values, all of
 * `value_bytes` 4 (int32) or 8 (int64), aligned at their ends; a missing value counts as 1.
 * TB_ERR_ARG when two values differ and neither is 1 (TFLM's reference stops there). */
typedef struct {
    int32_t length1;
    int32_t length2;
    int32_t out_length;
    int32_t value_bytes;
} tb_broadcast_args_params_t;

tb_status_t tb_broadcast_args(const tb_broadcast_args_params_t *params, const void *shape1, const void *shape2,
                              void *output);

#endif /* TB_BROADCAST_H */
