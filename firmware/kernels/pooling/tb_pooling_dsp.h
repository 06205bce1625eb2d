/* Optimized int8 AVERAGE_POOL_2D and MAX_POOL_2D (Cortex-M4 DSP extension, C fallback
 * elsewhere), bit-exact with tb_avg_pool2d_s8 / tb_max_pool2d_s8. Same parameters as the
 * reference kernels (tb_pool_params_t). Four channels per step: SXTAB16 sums bytes into 16-bit
 * lanes (the generator picks this kernel only for windows of at most 255 taps, so a lane cannot
 * overflow); SSUB8 + SEL take the byte-wise maximum. A 1 x 1 window is a strided copy with the
 * activation's clamp (tb_pool_copy_s8).
 */
#ifndef TB_POOLING_DSP_H
#define TB_POOLING_DSP_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/tb_isa.h"
#include "pooling/tb_pooling.h"

/* Which raw word a window of a group of n < 4 channels reads: channels ch..ch+n-1 of every tap
 * at bytes `shift`..shift+n-1 of the word at p - shift. Forward (shift 0) unless the window's last
 * word would pass `end`, then backward (shift 4 - n) unless its first would start before
 * `begin`; -1: neither (an input of a few bytes), the caller goes byte by byte. */
TB_ALWAYS_INLINE int32_t tb_pool_word_shift(const int8_t *first, const int8_t *last, int32_t n, uintptr_t begin,
                                            uintptr_t end)
{
    if ((uintptr_t)last + 4u <= end) {
        return 0;
    }
    if ((uintptr_t)first >= begin + (uintptr_t)(4 - n)) {
        return 4 - n;
    }
    return -1;
}

/* A 1 x 1 window without padding: every output pixel is one input pixel (the stride's), clamped
 * to the activation (for AVERAGE_POOL_2D the count is 1, for MAX_POOL_2D the maximum of one tap).
 * Whole words per pixel when the depth allows (the last word overlapping the one before). */
TB_ALWAYS_INLINE void tb_pool_copy_s8(const tb_pool_params_t *params, const tb_dims_t *input_dims,
                                      const int8_t *input, const tb_dims_t *output_dims, int8_t *output)
{
    const int32_t depth = input_dims->c, lo = params->activation.min, hi = params->activation.max;
    const size_t c = (size_t)depth;
    const size_t step_x = (size_t)params->stride.w * c;
    const size_t step_y = (size_t)params->stride.h * (size_t)input_dims->w * c;
    const uint32_t lo4 = tb_bytes4(lo), hi4 = tb_bytes4(hi);
    const int clamp = lo > -128 || hi < 127;
    const int32_t out_w = output_dims->w;
    for (int32_t b = 0; b < output_dims->n; b++) {
        const int8_t *row = input + (size_t)b * (size_t)input_dims->h * (size_t)input_dims->w * c;
        for (int32_t oy = 0; oy < output_dims->h; oy++, row += step_y) {
            const int8_t *p = row;
            if (depth >= 4) {
                for (int32_t ox = 0; ox < out_w; ox++, p += step_x, output += c) {
                    int32_t ch = 0;
                    for (;;) {
                        uint32_t v = tb_read_u32(p + ch);
                        if (clamp) {
                            v = tb_clamp4(v, lo4, hi4);
                        }
                        memcpy(output + ch, &v, sizeof v);
                        if (ch + 4 >= depth) {
                            break;
                        }
                        ch = ch + 8 <= depth ? ch + 4 : depth - 4;
                    }
                }
            } else {
                for (int32_t ox = 0; ox < out_w; ox++, p += step_x, output += c) {
                    for (int32_t ch = 0; ch < depth; ch++) {
                        const int32_t v = p[ch];
                        output[ch] = (int8_t)(v < lo ? lo : (v > hi ? hi : v));
                    }
                }
            }
        }
    }
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
