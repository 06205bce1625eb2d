/* CONCATENATION and PACK: interleave whole blocks of each input along one axis. */
#ifndef TB_CONCATENATION_H
#define TB_CONCATENATION_H

#include <stdint.h>

#include "tb_kernel_types.h"

#define TB_CONCAT_MAX_INPUTS 16

/* For each of `outer` rows: copy `bytes[k]` bytes of input k (advancing each input by that much),
 * for k = 0 .. count-1, into the output back to back. Inputs live in the arena or in flash. */
typedef struct {
    int32_t outer;
    int32_t count;
    int32_t bytes[TB_CONCAT_MAX_INPUTS];
    const void *inputs[TB_CONCAT_MAX_INPUTS];
} tb_concatenation_params_t;

/* Byte-wise: any element type whose inputs share the output's quantization (TFLM requires it). */
tb_status_t tb_concatenation_x8(const tb_concatenation_params_t *params, void *output);

#endif /* TB_CONCATENATION_H */
