/* TFLM's MultiplyByQuantizedMultiplier for a 64-bit accumulator (the 16x8 kernels), bit for bit.
 *
 * TFLM rounds the Q31 multiplier to Q15 first (adding 2^15 and shifting right by 16, or 0x7FFF
 * when the multiplier is 0x7FFF0000 or more), then computes (x * m15 + 2^(14 - shift)) >> (15 -
 * shift): one rounding, half up, on the product. The result is truncated to 32 bits. Shifts lie
 * in -31..7 (TFLM's contract); the products wrap like TFLM's int64 arithmetic would on the host.
 */
#ifndef TB_REQUANT64_H
#define TB_REQUANT64_H

#include <stdint.h>

#define TB_REQUANT64_SHIFT_MIN (-31)
#define TB_REQUANT64_SHIFT_MAX 7

static inline int32_t tb_multiply_by_quantized_multiplier_64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int32_t total_shift = 15 - shift; /* 8..46 */
    /* Unsigned arithmetic: wraps where a signed overflow would be undefined. */
    const uint64_t sum = (uint64_t)x * (uint64_t)(int64_t)reduced + ((uint64_t)1 << (total_shift - 1));
    return (int32_t)(uint32_t)(uint64_t)((int64_t)sum >> total_shift);
}

/* The same for an x that fits int32 (the usual accumulator), bit for bit: one SMULL, the rounding
 * and the shift on the product's two words. */
static inline int32_t tb_multiply_by_quantized_multiplier_64_s32(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int64_t product = (int64_t)x * reduced; /* |product| < 2^46 */
    const uint32_t lo = (uint32_t)product;
    uint32_t hi = (uint32_t)((uint64_t)product >> 32);
    const int32_t total_shift = 15 - shift; /* 8..46 */
    if (total_shift < 32) {
        const uint32_t sum = lo + (1u << (total_shift - 1));
        hi += sum < lo ? 1u : 0u;
        /* Bits total_shift..total_shift + 31 of the rounded product. */
        return (int32_t)((sum >> total_shift) | (hi << (32 - total_shift)));
    }
    if (total_shift == 32) {
        hi += lo >= 0x80000000u ? 1u : 0u; /* the rounding bit is bit 31 of the low word */
        return (int32_t)hi;
    }
    hi += 1u << (total_shift - 33);
    return (int32_t)hi >> (total_shift - 32);
}

/* Whether every per-channel shift lies in -31..7. */
static inline int tb_shifts64_in_range(const int32_t *shift, int32_t channels)
{
    for (int32_t c = 0; c < channels; c++) {
        if (shift[c] < TB_REQUANT64_SHIFT_MIN || shift[c] > TB_REQUANT64_SHIFT_MAX) {
            return 0;
        }
    }
    return 1;
}

#endif /* TB_REQUANT64_H */
