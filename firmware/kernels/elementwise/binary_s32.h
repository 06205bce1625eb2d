/* The int32 (unquantized) ADD, SUB and MUL kernels' shared walk. */
#ifndef TB_BINARY_S32_H
#define TB_BINARY_S32_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_requant.h" /* tb_clamp_s32 */
#include "elementwise/broadcast.h"
#include "elementwise/tb_elementwise.h"

/* The tensors of an int32 kernel, handed to its element function. */
typedef struct {
    const tb_activation_t *activation;
    const int32_t *input1;
    const int32_t *input2;
    int32_t *output;
} tb_binary_s32_args_t;

/* Two's-complement wrapping, as TFLM's int32 kernels behave on their hosts (no signed overflow
 * in C: the arithmetic is done on uint32_t). */
static inline int32_t tb_wrap_add_s32(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a + (uint32_t)b);
}

static inline int32_t tb_wrap_sub_s32(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a - (uint32_t)b);
}

static inline int32_t tb_wrap_mul_s32(int32_t a, int32_t b)
{
    return (int32_t)((uint32_t)a * (uint32_t)b);
}

/* Checks the arguments of an int32 kernel, then computes every element with element(). */
static inline tb_status_t tb_binary_s32_run(const tb_activation_t *activation,
                                            const tb_broadcast_t *shape,
                                            const int32_t *input1,
                                            const int32_t *input2,
                                            int32_t *output,
                                            tb_broadcast_element_fn element)
{
    if (activation == NULL || input1 == NULL || input2 == NULL || output == NULL ||
        activation->min > activation->max) {
        return TB_ERR_ARG;
    }
    const tb_status_t status = tb_broadcast_check(shape);
    if (status != TB_OK) {
        return status;
    }
    const tb_binary_s32_args_t args = {activation, input1, input2, output};
    tb_broadcast_walk(shape, element, &args);
    return TB_OK;
}

#endif /* TB_BINARY_S32_H */
