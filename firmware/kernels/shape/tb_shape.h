/* SHAPE: the input's dimensions as int32; static shapes are folded by the generator. */
#ifndef TB_SHAPE_H
#define TB_SHAPE_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* Write the `rank` dimensions (a constant table in flash) to the int32 output. */
tb_status_t tb_shape_s32(const int32_t *dims, int32_t rank, int32_t *output);

#endif /* TB_SHAPE_H */
