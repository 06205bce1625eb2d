/* SPLIT, SPLIT_V and UNPACK: deal whole blocks of one input out to several outputs along one axis. */
#ifndef TB_SPLIT_H
#define TB_SPLIT_H

#include <stdint.h>

#include "tb_kernel_types.h"

#define TB_SPLIT_MAX_OUTPUTS 16

/* For each of `outer` rows of the input: the next `bytes[k]` bytes go to output k (advancing that
 * output by as much), for k = 0 .. count-1. The inverse of the concatenation loop. */
typedef struct {
    int32_t outer;
    int32_t count;
    int32_t bytes[TB_SPLIT_MAX_OUTPUTS];
    void *outputs[TB_SPLIT_MAX_OUTPUTS];
} tb_split_params_t;

/* Byte-wise: any element type (the outputs share the input's type and quantization). */
tb_status_t tb_split_x8(const tb_split_params_t *params, const void *input);

#endif /* TB_SPLIT_H */
