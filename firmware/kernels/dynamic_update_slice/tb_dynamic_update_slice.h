/* DYNAMIC_UPDATE_SLICE up to 5-D: the operand with a box overwritten by the update, the box's
 * start read at run time (int32 or int64) and clamped as TFLM clamps it. */
#ifndef TB_DYNAMIC_UPDATE_SLICE_H
#define TB_DYNAMIC_UPDATE_SLICE_H

#include <stdint.h>

#include "tb_kernel_types.h"

#define TB_DUS_DIMS 5

/* Shapes extended to 5-D with leading 1s; `rank` = the operand's own rank (the start indices
 * hold that many values, of `index_bytes` 4 or 8 each); `element_bytes` per element. */
typedef struct {
    int32_t operand_dims[TB_DUS_DIMS];
    int32_t update_dims[TB_DUS_DIMS];
    int32_t rank;
    int32_t index_bytes;
    int32_t element_bytes;
} tb_dynamic_update_slice_params_t;

/* Byte-wise: int8, int16, int32, float32. */
tb_status_t tb_dynamic_update_slice_x8(const tb_dynamic_update_slice_params_t *params, const void *operand,
                                       const void *update, const void *start, void *output);

#endif /* TB_DYNAMIC_UPDATE_SLICE_H */
