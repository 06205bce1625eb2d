/* Optimized int8 AVERAGE_POOL_2D and MAX_POOL_2D (Cortex-M4 DSP extension, C fallback
 * elsewhere), bit-exact with tb_avg_pool2d_s8 / tb_max_pool2d_s8. Same parameters as the
 * reference kernels (tb_pool_params_t). Four channels per step: SXTAB16 sums bytes into 16-bit
 * lanes (the generator picks this kernel only for windows of at most 255 taps, so a lane cannot
 * overflow); SSUB8 + SEL take the byte-wise maximum.
 */
#ifndef TB_POOLING_DSP_H
#define TB_POOLING_DSP_H

#include <stdint.h>

#include "common/tb_isa.h"
#include "pooling/tb_pooling.h"

/* The group of channels a step covers: channels ch..ch+3 of every pixel, the last group moved
 * back to end at the last channel when the depth is not whole groups (its first channels computed
 * twice, to the same bytes), and only `n` = depth channels below a depth of 4. */
typedef struct {
    int32_t ch;
    int32_t n;
} tb_pool_group_t;

TB_ALWAYS_INLINE tb_pool_group_t tb_pool_group(int32_t g, int32_t depth)
{
    tb_pool_group_t r = {4 * g, 4};
    if (depth < 4) {
        r.n = depth;
    } else if (r.ch + 4 > depth) {
        r.ch = depth - 4;
    }
    return r;
}

/* Lanes 0..n-1 = p[0..n-1] (n = 1..4); the lanes above hold whatever bytes lie around. Never
 * reads outside [begin, end): one unaligned load forward, else backward (shifted down), else
 * byte by byte. */
TB_ALWAYS_INLINE uint32_t tb_pool_read4(const int8_t *p, int32_t n, uintptr_t begin, uintptr_t end)
{
    const uintptr_t a = (uintptr_t)p;
    if (n == 4 || a + 4u <= end) {
        return tb_read_u32(p);
    }
    if (a + (uintptr_t)n >= begin + 4u) {
        return tb_read_u32(p + n - 4) >> (8 * (4 - n));
    }
    return tb_read_tail(p, n);
}

tb_status_t tb_avg_pool2d_s8_dsp(const tb_pool_params_t *params,
                                 const tb_dims_t *input_dims,
                                 const int8_t *input,
                                 const tb_dims_t *output_dims,
                                 int8_t *output);

tb_status_t tb_max_pool2d_s8_dsp(const tb_pool_params_t *params,
                                 const tb_dims_t *input_dims,
                                 const int8_t *input,
                                 const tb_dims_t *output_dims,
                                 int8_t *output);

#endif /* TB_POOLING_DSP_H */
