/* FILL and ZEROS_LIKE: write one value into every output element. */
#ifndef TB_FILL_H
#define TB_FILL_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* FILL: `count` copies of the scalar at `value` (read at run time: it may be computed). */
tb_status_t tb_fill_x8(const void *value, void *output, int32_t count);
tb_status_t tb_fill_x32(const void *value, void *output, int32_t count);

/* ZEROS_LIKE: `bytes` zero bytes (0 and +0.0f of every type are all-zero bits). */
tb_status_t tb_zeros_like_x8(void *output, int32_t bytes);

#endif /* TB_FILL_H */
