/* Dot products of the optimized TRANSPOSE_CONV kernels over one input pixel and one filter tap
 * (both channel-contiguous): four channels per step with the DSP extension, the same sums as
 * the reference kernels' one-by-one loops (integer sums, so the grouping does not matter). */
#ifndef TB_TRANSPOSE_CONV_DSP_H
#define TB_TRANSPOSE_CONV_DSP_H

#include <stdint.h>

#include "common/tb_isa.h"

/* acc + lo(a) * lo(b) + hi(a) * hi(b) into 64 bits (SMLALD). */
TB_ALWAYS_INLINE int64_t tb_tconv_smlald(uint32_t a, uint32_t b, int64_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return (int64_t)__smlald((int16x2_t)a, (int16x2_t)b, acc);
#else
    return acc + (int64_t)(tb_lo16(a) * tb_lo16(b)) + (int64_t)(tb_hi16(a) * tb_hi16(b));
#endif
}

/* acc + sum x[i] * w[i] for int16 x and int8 w stored with each whole quad as (w0, w2, w1, w3)
 * (the generator's quad_interleaved): SXTB16 unpacks (w0, w1) and, rotated, (w2, w3), which
 * meet the input words (x0, x1) and (x2, x3) as loaded. */
TB_ALWAYS_INLINE int64_t tb_tconv_dot_s16(const int16_t *x, const int8_t *w, int32_t n, int64_t acc)
{
    int32_t i = 0;
    for (; i + 8 <= n; i += 8) { /* two quads per step: half the loop overhead */
        const uint32_t w0 = tb_read_u32(w + i), w1 = tb_read_u32(w + i + 4);
        acc = tb_tconv_smlald(tb_read_u32(x + i), tb_sxtb16(w0), acc);
        acc = tb_tconv_smlald(tb_read_u32(x + i + 2), tb_sxtb16_ror8(w0), acc);
        acc = tb_tconv_smlald(tb_read_u32(x + i + 4), tb_sxtb16(w1), acc);
        acc = tb_tconv_smlald(tb_read_u32(x + i + 6), tb_sxtb16_ror8(w1), acc);
    }
    for (; i + 4 <= n; i += 4) {
        const uint32_t wq = tb_read_u32(w + i);
        acc = tb_tconv_smlald(tb_read_u32(x + i), tb_sxtb16(wq), acc);
        acc = tb_tconv_smlald(tb_read_u32(x + i + 2), tb_sxtb16_ror8(wq), acc);
    }
    for (; i < n; i++) {
        acc += (int64_t)((int32_t)x[i] * (int32_t)w[i]);
    }
    return acc;
}

/* acc + sum (x[i] + offset) * w[i] for int8 x and w, wrapping like an int32 sum; `offset2` holds
 * the input offset in both halfwords (x + offset stays within int16). */
TB_ALWAYS_INLINE int32_t tb_tconv_dot_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t offset,
                                         uint32_t offset2, int32_t acc)
{
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const uint32_t xq = tb_read_u32(x + i), wq = tb_read_u32(w + i);
        acc = tb_smlad(tb_sxtab16(offset2, xq), tb_sxtb16(wq), acc);
        acc = tb_smlad(tb_sxtab16(offset2, xq >> 8), tb_sxtb16_ror8(wq), acc);
    }
    for (; i < n; i++) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)(((int32_t)x[i] + offset) * (int32_t)w[i]));
    }
    return acc;
}

#endif /* TB_TRANSPOSE_CONV_DSP_H */
