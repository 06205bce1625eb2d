/* int32 binary elementwise operators without quantization (DIV, MINIMUM, MAXIMUM; ADD, SUB and MUL
 * int32 are in elementwise/tb_elementwise.h), as
 * TFLM's reference kernels compute them in int32, with broadcasting (tb_broadcast_t). Products
 * and sums wrap modulo 2^32 (TFLM's int32 arithmetic on its targets); DIV truncates toward zero
 * and refuses a zero divisor (TFLM would trap). */
#ifndef TB_ELEMENTWISE_S32_H
#define TB_ELEMENTWISE_S32_H

#include <stddef.h>
#include <stdint.h>

#include "elementwise/tb_elementwise.h" /* tb_broadcast_t */

tb_status_t tb_div_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2, int32_t *output);
tb_status_t tb_minimum_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                           int32_t *output);
tb_status_t tb_maximum_s32(const tb_broadcast_t *shape, const int32_t *input1, const int32_t *input2,
                           int32_t *output);

/* The tensors of an int32 kernel, handed to its element function. */
typedef struct {
    const int32_t *input1;
    const int32_t *input2;
    int32_t *output;
    int32_t failed; /* set by an element the kernel cannot compute (DIV by zero) */
} tb_binary_s32_args_t;

#endif /* TB_ELEMENTWISE_S32_H */
