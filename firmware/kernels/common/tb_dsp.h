/* Cortex-M4 DSP-extension helpers for the optimized int8 kernels, each with a plain-C twin.
 *
 * On a core with the DSP extension (__ARM_FEATURE_DSP) these map to single instructions
 * (ACLE intrinsics from <arm_acle.h>, inline asm where ACLE has none); elsewhere (host builds)
 * the C versions compute the same values, so generated code compiles and agrees everywhere.
 *
 * Requantization (tb_dsp_requant): TFLM's MultiplyByQuantizedMultiplier for a right shift
 * e >= 1 is RoundingDivideByPOT(SRDHM(x, m), e). With x2 = 2x, that plus the output zero point
 * zp equals, bit for bit, SMMLAR(x2, m, c) >> e = floor((x2 * m + 2^31 + c * 2^32) / 2^(32 + e))
 * with c = 2^(e-1) + zp * 2^e - [x < 0] (the floor of a floor by a power of two is one floor; the sign term only moves ties, and where
 * [x < 0] and [SRDHM < 0] differ the result is 0 either way). For e = 0 the rounding constant is
 * zp and the sign term is masked off. The generator checks the bounds that make this exact:
 * |x2| < 2^31 and |c| < 2^30.
 */
#ifndef TB_DSP_H
#define TB_DSP_H

#include <stdint.h>

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

#define TB_ALWAYS_INLINE static inline __attribute__((always_inline))

/* Two sign-extended bytes (0 and 2, or 1 and 3 after a rotate by 8) as int16 lanes. */
TB_ALWAYS_INLINE uint32_t tb_sxtb16(uint32_t x)
{
#if defined(__ARM_FEATURE_DSP)
    return __sxtb16(x);
#else
    return (uint32_t)(uint16_t)(int16_t)(int8_t)(x & 0xFFu) |
           ((uint32_t)(uint16_t)(int16_t)(int8_t)((x >> 16) & 0xFFu) << 16);
#endif
}

TB_ALWAYS_INLINE uint32_t tb_sxtb16_ror8(uint32_t x)
{
#if defined(__ARM_FEATURE_DSP)
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
#else
    return tb_sxtb16(x >> 8);
#endif
}

TB_ALWAYS_INLINE int32_t tb_lo16(uint32_t x) { return (int32_t)(int16_t)(x & 0xFFFFu); }
TB_ALWAYS_INLINE int32_t tb_hi16(uint32_t x) { return (int32_t)(int16_t)(x >> 16); }

/* acc + bottom(a) * bottom(b), acc + top(a) * top(b). */
TB_ALWAYS_INLINE int32_t tb_smlabb(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return __smlabb((int32_t)a, (int32_t)b, acc);
#else
    return acc + tb_lo16(a) * tb_lo16(b);
#endif
}

TB_ALWAYS_INLINE int32_t tb_smlatt(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return __smlatt((int32_t)a, (int32_t)b, acc);
#else
    return acc + tb_hi16(a) * tb_hi16(b);
#endif
}

/* Lane-wise int16 addition (no saturation needed: int8 + offset fits). */
TB_ALWAYS_INLINE uint32_t tb_sadd16(uint32_t a, uint32_t b)
{
#if defined(__ARM_FEATURE_DSP)
    return (uint32_t)__sadd16((int16x2_t)a, (int16x2_t)b);
#else
    return (uint32_t)(uint16_t)(tb_lo16(a) + tb_lo16(b)) | ((uint32_t)(uint16_t)(tb_hi16(a) + tb_hi16(b)) << 16);
#endif
}

/* (c * 2^32 + a * b + 2^31) >> 32: SMMLAR. */
TB_ALWAYS_INLINE int32_t tb_smmlar(int32_t a, int32_t b, int32_t c)
{
#if defined(__ARM_FEATURE_DSP)
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(c));
    return r;
#else
    const int64_t sum = (int64_t)((uint64_t)(int64_t)c << 32) + (int64_t)a * (int64_t)b + ((int64_t)1 << 31);
    return (int32_t)(sum >> 32);
#endif
}

TB_ALWAYS_INLINE int32_t tb_sat_s8(int32_t x)
{
#if defined(__ARM_FEATURE_DSP)
    return __ssat(x, 8);
#else
    return x < -128 ? -128 : (x > 127 ? 127 : x);
#endif
}

/* Unaligned little-endian 32-bit load (one LDR on the Cortex-M4). */
TB_ALWAYS_INLINE uint32_t tb_read_u32(const void *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

/* Per-output-channel requantization constants (int32 words, emitted by the generator). */
enum {
    TB_RQ_BIAS = 0,      /* 2 x (bias + input_offset x sum of all taps): interior outputs */
    TB_RQ_RAW_BIAS = 1,  /* 2 x bias: border outputs, which add the offset per tap */
    TB_RQ_MULT = 2,      /* Q31 multiplier */
    TB_RQ_ROUND = 3,     /* 2^(e-1) + zp * 2^e (e >= 1), or zp (e == 0) */
    TB_RQ_SIGN = 4,      /* -1 when e >= 1, else 0 */
    TB_RQ_SHIFT = 5,     /* right shift e, 0..31 */
    TB_RQ_WORDS = 6,
};

/* Doubled accumulator -> int8 value (output offset added, saturated to int8, not clamped). */
/* The same from the words themselves (a kernel that keeps them in registers). */
TB_ALWAYS_INLINE int32_t tb_dsp_requant_words(int32_t acc2, int32_t mult, int32_t round, int32_t sign,
                                              int32_t shift)
{
    return tb_sat_s8(tb_smmlar(acc2, mult, round + ((acc2 >> 31) & sign)) >> shift);
}

TB_ALWAYS_INLINE int32_t tb_dsp_requant(int32_t acc2, const int32_t *q)
{
    return tb_dsp_requant_words(acc2, q[TB_RQ_MULT], q[TB_RQ_ROUND], q[TB_RQ_SIGN], q[TB_RQ_SHIFT]);
}

TB_ALWAYS_INLINE int32_t tb_clamp_act(int32_t v, int32_t lo, int32_t hi)
{
    v = v < lo ? lo : v;
    return v > hi ? hi : v;
}

#endif /* TB_DSP_H */
