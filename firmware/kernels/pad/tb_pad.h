/* PAD / PADV2 kernels (up to 5-D), by element width. */
#ifndef TB_PAD_H
#define TB_PAD_H

#include <stdint.h>

#include "tb_kernel_types.h"

#define TB_PAD_DIMS 5

/* Shapes extended to 5-D with leading 1s; left[i] elements of padding before the input on axis i. */
typedef struct {
    int32_t input_dims[TB_PAD_DIMS];
    int32_t output_dims[TB_PAD_DIMS];
    int32_t left[TB_PAD_DIMS];
} tb_pad_params_t;

/* Every output element outside the input's box is `pad_value` (a bit pattern of the element type:
 * the output zero point for int8 PAD, +0.0f for float32 PAD, the constant for PADV2). */
tb_status_t tb_pad_x8(const tb_pad_params_t *params, uint8_t pad_value, const void *input, void *output);
tb_status_t tb_pad_x16(const tb_pad_params_t *params, uint16_t pad_value, const void *input, void *output);
tb_status_t tb_pad_x32(const tb_pad_params_t *params, uint32_t pad_value, const void *input, void *output);

#endif /* TB_PAD_H */
