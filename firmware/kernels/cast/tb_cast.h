/* CAST: each value converted as C's (and TFLM's static_cast) conversion does: integers wrap to
 * narrower types, integers round to nearest float. */
#ifndef TB_CAST_H
#define TB_CAST_H

#include <stddef.h>
#include <stdint.h>

#include "tb_kernel_types.h"

typedef enum {
    TB_CAST_INT8 = 0,
    TB_CAST_INT16 = 1,
    TB_CAST_INT32 = 2,
    TB_CAST_UINT32 = 3,
    TB_CAST_FLOAT32 = 4,
} tb_cast_type_t;

tb_status_t tb_cast(int32_t size, tb_cast_type_t from, tb_cast_type_t to, const void *input, void *output);

#endif /* TB_CAST_H */
