/* The DSP-extension pieces of the optimized SVDF kernels: the state moved a word at a time and
 * the two dot products with SMLAD. Integer sums wrap exactly as the reference's 32-bit sums, so
 * the kernels stay bit-exact with TFLM. Included by svdf_*_dsp.c only. */
#ifndef TB_SVDF_DSP_COMMON_H
#define TB_SVDF_DSP_COMMON_H

#include <stddef.h>
#include <string.h>

#include "common/tb_isa.h"
#include "common/tb_rescale_exact.h"
#include "svdf/svdf_common.h"

/* bytes[i] = bytes[i + step] for i < count - step: the state moves left by one value of `step`
 * bytes. Eight bytes per iteration (unaligned LDR/STR are allowed on the Cortex-M4), the rest one
 * by one; a forward copy is safe because every read is ahead of the write. */
static inline void tb_svdf_shift_state(uint8_t *bytes, size_t count, size_t step)
{
    size_t i = 0;
    for (; i + step + 8u <= count; i += 8u) {
        const uint32_t a = tb_read_u32(bytes + i + step);
        const uint32_t b = tb_read_u32(bytes + i + step + 4u);
        memcpy(bytes + i, &a, sizeof a);
        memcpy(bytes + i + 4u, &b, sizeof b);
    }
    for (; i + step < count; i++) {
        bytes[i] = bytes[i + step];
    }
}

/* sum of row[c] * (input[c] - zero point): four int8 lanes per step as two halfword pairs. */
static inline int32_t tb_svdf_feature_dot_s8_dsp(const int8_t *row, const int8_t *input, int32_t size,
                                                 int32_t input_zero_point)
{
    const uint32_t offset = (uint32_t)(uint16_t)(-input_zero_point) * 0x00010001u;
    int32_t acc = 0;
    int32_t c = 0;
    for (; c + 4 <= size; c += 4) {
        const uint32_t x = tb_read_u32(input + c), w = tb_read_u32(row + c);
        acc = tb_smlad(tb_sadd16(tb_sxtb16(x), offset), tb_sxtb16(w), acc);
        acc = tb_smlad(tb_sadd16(tb_sxtb16_ror8(x), offset), tb_sxtb16_ror8(w), acc);
    }
    for (; c < size; c++) {
        acc += (int32_t)row[c] * ((int32_t)input[c] - input_zero_point);
    }
    return acc;
}

/* sum of w[m] * (s[m] - zero point) for int16 time weights and state: SMLAD on halfword pairs,
 * the zero point's part taken out as zero point x sum of weights. */
static inline int32_t tb_svdf_time_dot_s16_dsp(const int16_t *w, const int16_t *s, int32_t size,
                                               int32_t state_zero_point)
{
    int32_t acc = 0, weights = 0;
    int32_t m = 0;
    for (; m + 2 <= size; m += 2) {
        const uint32_t wp = tb_read_u32(w + m);
        acc = tb_smlad(wp, tb_read_u32(s + m), acc);
        weights = tb_smlad(wp, 0x00010001u, weights);
    }
    for (; m < size; m++) {
        acc += (int32_t)w[m] * (int32_t)s[m];
        weights += w[m];
    }
    return (int32_t)((uint32_t)acc - (uint32_t)state_zero_point * (uint32_t)weights);
}

/* sum of w[m] * s[m] over n int16 pairs at any 2-byte alignment (unaligned LDR), added to acc. */
TB_ALWAYS_INLINE int32_t tb_svdf_ring_dot_s16(const int16_t *w, const int16_t *s, int32_t n, int32_t acc)
{
    for (; n >= 8; n -= 8) {
        const uint32_t w0 = tb_read_u32(w), w1 = tb_read_u32(w + 2), w2 = tb_read_u32(w + 4), w3 = tb_read_u32(w + 6);
        const uint32_t s0 = tb_read_u32(s), s1 = tb_read_u32(s + 2), s2 = tb_read_u32(s + 4), s3 = tb_read_u32(s + 6);
        acc = tb_smlad(w0, s0, acc);
        acc = tb_smlad(w1, s1, acc);
        acc = tb_smlad(w2, s2, acc);
        acc = tb_smlad(w3, s3, acc);
        w += 8;
        s += 8;
    }
    for (; n >= 2; n -= 2) {
        acc = tb_smlad(tb_read_u32(w), tb_read_u32(s), acc);
        w += 2;
        s += 2;
    }
    if (n != 0) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)*w * (int32_t)*s));
    }
    return acc;
}

/* The same for int8 weights and state: SXTB16 of both into halfword pairs. */
TB_ALWAYS_INLINE int32_t tb_svdf_ring_dot_s8(const int8_t *w, const int8_t *s, int32_t n, int32_t acc)
{
    for (; n >= 8; n -= 8) {
        const uint32_t w0 = tb_read_u32(w), w1 = tb_read_u32(w + 4);
        const uint32_t s0 = tb_read_u32(s), s1 = tb_read_u32(s + 4);
        acc = tb_smlad(tb_sxtb16(w0), tb_sxtb16(s0), acc);
        acc = tb_smlad(tb_sxtb16_ror8(w0), tb_sxtb16_ror8(s0), acc);
        acc = tb_smlad(tb_sxtb16(w1), tb_sxtb16(s1), acc);
        acc = tb_smlad(tb_sxtb16_ror8(w1), tb_sxtb16_ror8(s1), acc);
        w += 8;
        s += 8;
    }
    if (n >= 4) {
        const uint32_t w0 = tb_read_u32(w), s0 = tb_read_u32(s);
        acc = tb_smlad(tb_sxtb16(w0), tb_sxtb16(s0), acc);
        acc = tb_smlad(tb_sxtb16_ror8(w0), tb_sxtb16_ror8(s0), acc);
        w += 4;
        s += 4;
        n -= 4;
    }
    for (; n > 0; n--) {
        acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)*w++ * (int32_t)*s++));
    }
    return acc;
}

#endif /* TB_SVDF_DSP_COMMON_H */
