/* The Cortex-M4 DSP-extension instructions the optimized int8 kernels use, each with a plain-C
 * twin.
 *
 * On a core with the DSP extension (__ARM_FEATURE_DSP) each helper is one instruction (an ACLE
 * intrinsic from <arm_acle.h>, inline asm where ACLE has none); elsewhere (host builds, the
 * kernels' unit tests) the C versions compute the same values, so every kernel compiles and
 * agrees everywhere. Lanes: "lo"/"hi" are the bottom/top signed halfwords of a word, bytes are
 * numbered from the least significant.
 *
 * The TB_ASM_* macros are the instruction sequences that hand-scheduled asm (inline or naked
 * routines) shares, as text with the registers as arguments: string literals such as "r2", or
 * "%[acc]" for an inline-asm operand.
 */
#ifndef TB_ISA_H
#define TB_ISA_H

#include <stdint.h>

#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#endif

#define TB_ALWAYS_INLINE static inline __attribute__((always_inline))

/* Loads ------------------------------------------------------------------------------------- */

/* Four bytes from any address, little-endian (one LDR: the Cortex-M4 allows unaligned LDR). */
TB_ALWAYS_INLINE uint32_t tb_read_u32(const void *p)
{
    uint32_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

/* The first `n` (1..3) bytes at p, zero above: never reads past p[n - 1]. */
static inline uint32_t tb_read_tail(const int8_t *p, int32_t n)
{
    uint32_t v = (uint8_t)p[0];
    if (n > 1) {
        v |= (uint32_t)(uint8_t)p[1] << 8;
    }
    if (n > 2) {
        v |= (uint32_t)(uint8_t)p[2] << 16;
    }
    return v;
}

/* Two words of 4-byte aligned int16 data (one LDRD). */
TB_ALWAYS_INLINE void tb_read_w2(const int16_t *w, uint32_t *lo, uint32_t *hi)
{
    const int16_t *a = (const int16_t *)__builtin_assume_aligned(w, 4);
    __builtin_memcpy(lo, a, sizeof *lo);
    __builtin_memcpy(hi, a + 2, sizeof *hi);
}

/* Orders the compiler's memory accesses: stores before it are done before reads after it (for
 * asm that reads memory without a "memory" clobber). */
static inline void tb_barrier(void) { __asm__ volatile("" ::: "memory"); }

/* Halfword lanes ------------------------------------------------------------------------------ */

TB_ALWAYS_INLINE int32_t tb_lo16(uint32_t x) { return (int32_t)(int16_t)(x & 0xFFFFu); }
TB_ALWAYS_INLINE int32_t tb_hi16(uint32_t x) { return (int32_t)(int16_t)(x >> 16); }

/* Bytes 0 and 2 of x, sign-extended into the two halfwords (SXTB16). */
TB_ALWAYS_INLINE uint32_t tb_sxtb16(uint32_t x)
{
#if defined(__ARM_FEATURE_DSP)
    return __sxtb16(x);
#else
    return (uint32_t)(uint16_t)(int16_t)(int8_t)(x & 0xFFu) |
           ((uint32_t)(uint16_t)(int16_t)(int8_t)((x >> 16) & 0xFFu) << 16);
#endif
}

/* Bytes 1 and 3 of x, sign-extended into the two halfwords (SXTB16 with ROR #8). */
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

/* Lane-wise int16 addition, wrapping (SADD16; no saturation needed: int8 + offset fits). */
TB_ALWAYS_INLINE uint32_t tb_sadd16(uint32_t a, uint32_t b)
{
#if defined(__ARM_FEATURE_DSP)
    return (uint32_t)__sadd16((int16x2_t)a, (int16x2_t)b);
#else
    return (uint32_t)(uint16_t)(tb_lo16(a) + tb_lo16(b)) | ((uint32_t)(uint16_t)(tb_hi16(a) + tb_hi16(b)) << 16);
#endif
}

/* Lane-wise: acc + bytes 0 and 2 of x sign-extended (SXTAB16). */
TB_ALWAYS_INLINE uint32_t tb_sxtab16(uint32_t acc, uint32_t x)
{
#if defined(__ARM_FEATURE_DSP)
    return __sxtab16(acc, x);
#else
    return tb_sadd16(acc, tb_sxtb16(x));
#endif
}

/* Multiply-accumulate ------------------------------------------------------------------------ */

/* acc + lo(a) * lo(b) + hi(a) * hi(b) (SMLAD). Plain `static inline` (inlined all the same):
 * forcing it changes the order GCC inlines the GEMM kernels' C paths in, and their code. */
static inline int32_t tb_smlad(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return __smlad(a, b, acc);
#else
    const int32_t lo = tb_lo16(a) * tb_lo16(b);
    const int32_t hi = tb_hi16(a) * tb_hi16(b);
    return (int32_t)((uint32_t)acc + (uint32_t)lo + (uint32_t)hi);
#endif
}

/* acc + lo(a) * lo(b) (SMLABB). */
TB_ALWAYS_INLINE int32_t tb_smlabb(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return __smlabb((int32_t)a, (int32_t)b, acc);
#else
    return acc + tb_lo16(a) * tb_lo16(b);
#endif
}

/* acc + lo(a) * hi(b) (SMLABT). */
TB_ALWAYS_INLINE int32_t tb_smlabt(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return __smlabt((int32_t)a, (int32_t)b, acc);
#else
    return acc + tb_lo16(a) * tb_hi16(b);
#endif
}

/* acc + hi(a) * lo(b) (SMLATB). */
TB_ALWAYS_INLINE int32_t tb_smlatb(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return __smlatb((int32_t)a, (int32_t)b, acc);
#else
    return acc + tb_hi16(a) * tb_lo16(b);
#endif
}

/* acc + hi(a) * hi(b) (SMLATT). */
TB_ALWAYS_INLINE int32_t tb_smlatt(uint32_t a, uint32_t b, int32_t acc)
{
#if defined(__ARM_FEATURE_DSP)
    return __smlatt((int32_t)a, (int32_t)b, acc);
#else
    return acc + tb_hi16(a) * tb_hi16(b);
#endif
}

/* (c * 2^32 + a * b + 2^31) >> 32 (SMMLAR). */
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

/* (a * b + 2^31) >> 32 (SMMULR). */
TB_ALWAYS_INLINE int32_t tb_smmulr(int32_t a, int32_t b)
{
#if defined(__ARM_FEATURE_DSP)
    int32_t r;
    __asm__("smmulr %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));
    return r;
#else
    return (int32_t)(((int64_t)a * (int64_t)b + ((int64_t)1 << 31)) >> 32);
#endif
}

/* Saturation and byte lanes ------------------------------------------------------------------- */

/* x saturated to int8 (SSAT #8). */
TB_ALWAYS_INLINE int32_t tb_ssat8(int32_t x)
{
#if defined(__ARM_FEATURE_DSP)
    return __ssat(x, 8);
#else
    return x < -128 ? -128 : (x > 127 ? 127 : x);
#endif
}

/* An int8 value replicated into the four bytes of a word. */
static inline uint32_t tb_bytes4(int32_t v) { return (uint32_t)(uint8_t)v * 0x01010101u; }

/* Byte-wise signed maximum (SSUB8 sets the GE bits where a >= b, SEL picks). */
TB_ALWAYS_INLINE uint32_t tb_max8(uint32_t a, uint32_t b)
{
#if defined(__ARM_FEATURE_DSP)
    (void)__ssub8((int8x4_t)a, (int8x4_t)b);
    return (uint32_t)__sel((uint8x4_t)a, (uint8x4_t)b);
#else
    uint32_t r = 0;
    for (int i = 0; i < 32; i += 8) {
        const int8_t x = (int8_t)(a >> i), y = (int8_t)(b >> i);
        r |= (uint32_t)(uint8_t)(x > y ? x : y) << i;
    }
    return r;
#endif
}

/* Each int8 byte of v clamped to [lo, hi] (lo4, hi4: the bounds in every byte, tb_bytes4):
 * two SSUB8 + SEL pairs. `t` is a scratch register. */
#define TB_ASM_CLAMP4(v, lo4, hi4, t)            \
    "ssub8   " t ", " v ", " lo4 "\n\t"          \
    "sel     " v ", " v ", " lo4 "\n\t"          \
    "ssub8   " t ", " v ", " hi4 "\n\t"          \
    "sel     " v ", " hi4 ", " v "\n\t"

TB_ALWAYS_INLINE uint32_t tb_clamp4(uint32_t v, uint32_t lo4, uint32_t hi4)
{
#if defined(__ARM_FEATURE_DSP)
    uint32_t t;
    __asm__(TB_ASM_CLAMP4("%[v]", "%[lo]", "%[hi]", "%[t]")
            : [v] "+&r"(v), [t] "=&r"(t)
            : [lo] "r"(lo4), [hi] "r"(hi4)
            : "cc");
    return v;
#else
    uint32_t r = 0;
    for (int32_t i = 0; i < 4; i++) {
        const int32_t x = (int8_t)(v >> (8 * i)), lo = (int8_t)lo4, hi = (int8_t)hi4;
        r |= (uint32_t)(uint8_t)(x < lo ? lo : (x > hi ? hi : x)) << (8 * i);
    }
    return r;
#endif
}

#endif /* TB_ISA_H */
