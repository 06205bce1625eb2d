/* RESHAPE, SQUEEZE and EXPAND_DIMS: the data does not change, only the shape. */
#ifndef TB_RESHAPE_H
#define TB_RESHAPE_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* Copy `bytes` bytes; nothing to do when the planner let the output alias the input. */
tb_status_t tb_reshape_x8(const void *input, void *output, int32_t bytes);

#endif /* TB_RESHAPE_H */
