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

#endif /* TB_BROADCAST_H */
