/* expf computed the way host TFLM's libm (glibc 2.27 and later) computes it, so float kernels whose
 * results feed back into themselves (the LSTM's recurrence) stay with TFLM: newlib's expf for a
 * core without a double-precision FPU is the older single-precision algorithm, an ULP off now and
 * then, and over an LSTM's time steps that ULP spreads to every unit.
 *
 * The algorithm (ARM's, in glibc): with N = 32, z = x N / ln 2 = k + r (k an integer by the
 * 1.5 * 2^52 rounding trick, |r| <= 1/2), e^x = 2^(k/N) 2^(r/N); 2^(k/N) is a table entry for
 * k mod N with k div N added to its exponent, 2^(r/N) a cubic in r; all in double, rounded to
 * float once at the end. The table below is 2^(i/32) rounded to double, minus i << 47 in its bit
 * pattern (so adding k << 47 gives the bits of 2^(k/32)), computed with mpmath at 200 bits. The
 * cubic's coefficients are glibc's. Checked on the host against glibc's expf for every float in
 * [-104, 89]: 2 of 2,239,889,410 differ by one ULP (there glibc's FMA variant rounds the cubic
 * once less), at x = 32.56 and x = -63.10. tb_lstm_expf_double computes it in doubles;
 * tb_lstm_expf, further down, gets the same floats from integer arithmetic. */
#include <stdint.h>
#include <string.h>

#include "lstm/tb_lstm.h"

static const uint64_t tb_exp2_32_table[32] = {
    0x3ff0000000000000u,
    0x3fefd9b0d3158574u,
    0x3fefb5586cf9890fu,
    0x3fef9301d0125b51u,
    0x3fef72b83c7d517bu,
    0x3fef54873168b9aau,
    0x3fef387a6e756238u,
    0x3fef1e9df51fdee1u,
    0x3fef06fe0a31b715u,
    0x3feef1a7373aa9cbu,
    0x3feedea64c123422u,
    0x3feece086061892du,
    0x3feebfdad5362a27u,
    0x3feeb42b569d4f82u,
    0x3feeab07dd485429u,
    0x3feea47eb03a5585u,
    0x3feea09e667f3bcdu,
    0x3fee9f75e8ec5f74u,
    0x3feea11473eb0187u,
    0x3feea589994cce13u,
    0x3feeace5422aa0dbu,
    0x3feeb737b0cdc5e5u,
    0x3feec49182a3f090u,
    0x3feed503b23e255du,
    0x3feee89f995ad3adu,
    0x3feeff76f2fb5e47u,
    0x3fef199bdd85529cu,
    0x3fef3720dcef9069u,
    0x3fef5818dcfba487u,
    0x3fef7c97337b9b5fu,
    0x3fefa4afa2a490dau,
    0x3fefd0765b6e4540u,
};

static double tb_as_double(uint64_t bits)
{
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

static uint64_t tb_as_bits(double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

float tb_lstm_expf_double(float x)
{
    const double n = 32.0;
    const double n_over_ln2 = 0x1.71547652b82fep+0 * n;
    const double round_shift = 0x1.8p+52;
    const double c3 = 0x1.c6af84b912394p-5 / n / n / n;
    const double c2 = 0x1.ebfce50fac4f3p-3 / n / n;
    const double c1 = 0x1.62e42ff0c52d6p-1 / n;
    if (x != x) {
        return x + x;
    }
    if (x > 0x1.62e42ep6f) {
        return (float)tb_as_double(0x7FF0000000000000u); /* overflow: +inf */
    }
    if (x < -0x1.9fe368p6f) {
        return 0.0f; /* underflow */
    }
    const double z = n_over_ln2 * (double)x;
    double k = z + round_shift; /* rounds z to an integer in the low bits */
    const uint64_t k_bits = tb_as_bits(k);
    k -= round_shift;
    const double r = z - k;
    const double scale = tb_as_double(tb_exp2_32_table[k_bits % 32u] + (k_bits << 47));
    const double high = c3 * r + c2;
    const double r2 = r * r;
    double y = c1 * r + 1.0;
    y = high * r2 + y;
    return (float)(y * scale);
}

/* ---- The same values without double arithmetic ----
 * The Cortex-M4's FPU has no double precision, so the function above runs on software doubles
 * (some 700 instructions a call). tb_lstm_expf reaches the same float with 32x32->64 integer
 * multiplies (about 95 instructions): the same steps (z = x N / ln 2, k = z rounded, r = z - k,
 * the table entry for k mod 32 times the cubic in r) in fixed point with more bits than the
 * float needs, then its own rounding to float. Its value of scale * cubic(r) is within about
 * 2^-43 of the value from the double one (the double's own roundings, z rounded to double, our
 * truncations: the quadratic part's, about 3 units of 2^-44, the largest), so wherever the bits
 * under the float's last place are farther than TB_EXP_ERROR_BOUND (2^-41 of the value) from one
 * half, both round to the same float. Inputs closer than that (about 1 in 275,000), z within
 * 2^-32 of a half (k's rounding), and what the fixed-point path does not cover (|x| > 86:
 * overflow, subnormal results, NaN) take tb_lstm_expf_double. Checked on the host on every
 * float of [-104, 89] (scripts/check_lstm_expf_all.c): all 2,239,889,410 agree, 2,760,631 of
 * them through the double path (2,752,512 with |x| > 86, 8,119 near a rounding boundary or a
 * half in z); with a bound 4 times tighter (2^-43) none would differ, 8 times tighter 15 would.
 * The tests run a sample of it (tests/firmware/kernels/unit/test_lstm_expf.c).
 *
 * Fixed point: x = m 2^(e - 150) (m the 24-bit significand); N / ln 2 = CM 2^-47 (CM the 53-bit
 * significand of the double constant), so z 2^48 = m CM 2^(e - 149), a 77-bit product shifted
 * right by 16 or more. u = z 2^48 + 2^47: k = u >> 48 (z rounded, half up), s = (u mod 2^48)
 * 2^-48 = r + 1/2 in [0, 1). The cubic 1 + c1 r + c2 r^2 + c3 r^3 is rewritten in s, whose
 * coefficients d0..d3 are all positive (exact rationals from glibc's double coefficients,
 * rounded to the scales below), so every product is unsigned: y = d0 + d1 s + s^2 (d2 + d3 s)
 * in units of 2^-63, the quadratic part from s's top 32 bits, the linear part from all 48. The
 * table entry 2^(j/32) (the double table above, its 53-bit significand in Q63) times y is
 * p = value 2^62 in [0.98, 1.98) 2^62: 24 bits from its leading bit, rounded to nearest, and
 * the exponent from k >> 5. */
#define TB_EXP_CM_HIGH 0x171547u       /* CM >> 32 */
#define TB_EXP_CM_LOW 0x652b82feu      /* CM mod 2^32 */
#define TB_EXP_D0 0x7e9f060644c5c5ddu  /* d0 2^63 */
#define TB_EXP_D1_HIGH 0xaf88c51au     /* d1 2^69 >> 32 */
#define TB_EXP_D1_LOW 0x99fffc26u      /* d1 2^69 mod 2^32 */
#define TB_EXP_D2 0xf3546b41u          /* d2 2^44 */
#define TB_EXP_D3 0x01c6af85u          /* d3 2^44 */
#ifndef TB_EXP_ERROR_BOUND /* scripts/check_lstm_expf_all.c varies it */
#define TB_EXP_ERROR_BOUND 0x8000u     /* in units of 2^-32 of the half ULP */
#endif
#define TB_EXP_FAST_LIMIT 0x42AC0000u  /* 86.0f: |x| up to here stays normal and finite */
#define TB_EXP_ONE_LIMIT 0x33000000u   /* 2^-25: below, e^x rounds to 1 */

/* 2^(j/32) as the double table above has it, its significand in Q63. */
static const uint64_t tb_exp2_32_q63[32] = {
    0x8000000000000000u, 0x82cd8698ac2ba000u, 0x85aac367cc487800u, 0x88980e8092da8800u,
    0x8b95c1e3ea8bd800u, 0x8ea4398b45cd5000u, 0x91c3d373ab11c000u, 0x94f4efa8fef70800u,
    0x9837f0518db8a800u, 0x9b8d39b9d54e5800u, 0x9ef5326091a11000u, 0xa27043030c496800u,
    0xa5fed6a9b1513800u, 0xa9a15ab4ea7c1000u, 0xad583eea42a14800u, 0xb123f581d2ac2800u,
    0xb504f333f9de6800u, 0xb8fbaf4762fba000u, 0xbd08a39f580c3800u, 0xc12c4cca66709800u,
    0xc5672a115506d800u, 0xc9b9bd866e2f2800u, 0xce248c151f848000u, 0xd2a81d91f12ae800u,
    0xd744fccad69d6800u, 0xdbfbb797daf23800u, 0xe0ccdeec2a94e000u, 0xe5b906e77c834800u,
    0xeac0c6e7dd243800u, 0xefe4b99bdcdaf800u, 0xf5257d152486d000u, 0xfa83b2db722a0000u,
};

static uint32_t tb_exp_mulhi(uint32_t a, uint32_t b)
{
    return (uint32_t)(((uint64_t)a * b) >> 32);
}

/* e^x in *value and 1, or 0 where the fixed-point value cannot tell the rounding (or x is
 * outside [-86, 86]). */
static int tb_exp_fixed(float x, float *value)
{
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    const uint32_t magnitude = bits & 0x7FFFFFFFu;
    if (magnitude < TB_EXP_ONE_LIMIT) {
        *value = 1.0f;
        return 1;
    }
    if (magnitude > TB_EXP_FAST_LIMIT) {
        return 0;
    }
    const uint32_t shift = 133u - (magnitude >> 23); /* 0..31 */
    const uint32_t m = (magnitude & 0x7FFFFFu) | 0x800000u;
    const uint64_t product = (((uint64_t)m * TB_EXP_CM_HIGH) << 16) + (((uint64_t)m * TB_EXP_CM_LOW) >> 16);
    const uint32_t product_high = (uint32_t)(product >> 32);
    /* |z| 2^48, rounded down: product >> shift in two words ((high << 1) << (31 - shift) is
     * high << (32 - shift) without a shift by 32) */
    const uint64_t z = ((uint64_t)(product_high >> shift) << 32) |
                       (((uint32_t)product >> shift) | ((product_high << 1) << (31u - shift)));
    const uint64_t u = ((bits >> 31) != 0u ? 0u - z : z) + ((uint64_t)1 << 47);
    const uint32_t s32 = (uint32_t)(u >> 16); /* s's top 32 bits */
    if (s32 + 1u < 2u) {
        return 0; /* z within 2^-32 of a half: the double's rounding of z decides k */
    }
    const int32_t k = (int32_t)(uint32_t)(u >> 32) >> 16;
    const uint32_t s_low = (uint32_t)u & 0xFFFFu;
    const uint32_t a = TB_EXP_D2 + tb_exp_mulhi(s32, TB_EXP_D3);  /* d2 + d3 s, 2^-44 */
    const uint32_t b = tb_exp_mulhi(s32, a);                      /* s (d2 + d3 s), 2^-44 */
    const uint64_t quadratic = ((uint64_t)s32 * b) >> 13;         /* 2^-76 -> 2^-63 */
    const uint64_t linear = ((uint64_t)TB_EXP_D1_HIGH * s32 + (((uint64_t)TB_EXP_D1_LOW * s32) >> 32) +
                             (((uint64_t)TB_EXP_D1_HIGH * s_low) >> 16)) >> 6; /* d1 s, 2^-69 -> 2^-63 */
    const uint64_t y = TB_EXP_D0 + linear + quadratic;
    const uint64_t scale = tb_exp2_32_q63[(uint32_t)k & 31u];
    const uint32_t y_high = (uint32_t)(y >> 32);
    const uint32_t scale_high = (uint32_t)(scale >> 32);
    const uint64_t p = (uint64_t)y_high * scale_high + (((uint64_t)y_high * (uint32_t)scale) >> 32) +
                       (((uint64_t)(uint32_t)y * scale_high) >> 32);
    /* p in [2^61, 2^63): shifted left by 1, or 2 when below 2^62, its leading bit is bit 63 of q; the float's
     * 24 bits are q's top ones, `below` the 32 bits under them (their top bit the one-half). */
    const uint32_t p_high = (uint32_t)(p >> 32);
    const uint32_t below_one = (p_high >> 30) ^ 1u;
    const uint32_t normalize = 1u + below_one;
    const uint32_t q_high = (p_high << normalize) | ((uint32_t)p >> (32u - normalize));
    const uint32_t below = (q_high << 24) | (((uint32_t)p << normalize) >> 8);
    if ((uint32_t)(below - 0x80000000u + TB_EXP_ERROR_BOUND) <= 2u * TB_EXP_ERROR_BOUND) {
        return 0; /* too close to one half to tell */
    }
    const uint32_t significand = (q_high >> 8) + (below >> 31);
    /* The significand's leading bit adds one to the exponent field: 126, not 127. */
    const uint32_t result = ((uint32_t)(126 + (k >> 5) - (int32_t)below_one) << 23) + significand;
    memcpy(value, &result, sizeof *value);
    return 1;
}

float tb_lstm_expf(float x)
{
    float value;
    return tb_exp_fixed(x, &value) ? value : tb_lstm_expf_double(x);
}
