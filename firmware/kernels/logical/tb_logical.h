/* Logical kernels on bool tensors: LOGICAL_AND and LOGICAL_OR (with broadcasting), LOGICAL_NOT. */
#ifndef TB_LOGICAL_H
#define TB_LOGICAL_H

#include <stdbool.h>
#include <stdint.h>

#include "elementwise/tb_elementwise.h" /* tb_broadcast_t */
#include "tb_kernel_types.h"

tb_status_t tb_logical_and_bool(const tb_broadcast_t *shape, const bool *input1, const bool *input2, bool *output);

tb_status_t tb_logical_or_bool(const tb_broadcast_t *shape, const bool *input1, const bool *input2, bool *output);

tb_status_t tb_logical_not_bool(int32_t size, const bool *input, bool *output);

#endif /* TB_LOGICAL_H */
