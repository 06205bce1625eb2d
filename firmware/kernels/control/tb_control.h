/* IF, WHILE and CALL_ONCE: the generator writes their control flow into tb_model.c (one C
 * function per called subgraph); this moves the tensors between caller and callee. */
#ifndef TB_CONTROL_H
#define TB_CONTROL_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* Copy `bytes` bytes of one tensor into another of the same type and size, as TFLM's
 * CopyOpInputsToSubgraphInputs and friends do: nothing when both are the same buffer. */
tb_status_t tb_copy_tensor(void *destination, const void *source, uint32_t bytes);

#endif /* TB_CONTROL_H */
