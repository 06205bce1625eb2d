/* Argument checks shared by SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND. */
#ifndef TB_SPACE_BATCH_COMMON_H
#define TB_SPACE_BATCH_COMMON_H

#include <stddef.h>

#include "space_batch/tb_space_batch.h"

/* `batched` is the shape holding block.h x block.w times the other's batches. */
static inline int tb_space_batch_valid(const tb_space_batch_params_t *p, const tb_dims_t *batched,
                                       const tb_dims_t *spatial)
{
    if (!tb_dims_positive(&p->input) || !tb_dims_positive(&p->output) || p->block.h < 1 || p->block.w < 1 ||
        p->before.h < 0 || p->before.w < 0) {
        return 0;
    }
    if (p->element_bytes != 1 && p->element_bytes != 2 && p->element_bytes != 4) {
        return 0;
    }
    return p->input.c == p->output.c && batched->n == spatial->n * p->block.h * p->block.w;
}

#endif /* TB_SPACE_BATCH_COMMON_H */
