/* tanhf computed the way host TFLM's libm (glibc) computes it, so the float LSTM's recurrence
 * stays with TFLM. glibc's tanhf is the classic single-precision one: tanh|x| = 1 - 2 / (e^2|x| + 1)
 * for |x| >= 1 and -m / (m + 2) with m = e^-2|x| - 1 for |x| < 1, e^y - 1 from a reduction
 * y = k ln2 + r and a rational approximation on r. newlib has the same algorithm, but for the
 * Cortex-M4F it is compiled with fused multiply-adds, which round differently; our kernels are
 * compiled as ISO C11 (no contraction), so this file gives glibc's values. Checked on the host
 * against glibc 2.36's tanhf for every float: all 2^32 bit patterns but NaNs agree. */
#include <stdint.h>
#include <string.h>

#include "lstm/tb_lstm.h"

static uint32_t tb_bits_of(float value)
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    return bits;
}

static float tb_float_of(uint32_t bits)
{
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* y * 2^k by adding k to the exponent field (y and the result normal). */
static float tb_scale_pow2(float y, int32_t k)
{
    return tb_float_of((uint32_t)((int32_t)tb_bits_of(y) + k * (1 << 23)));
}

/* e^x - 1 for finite |x| < 88 (tanh asks for |x| < 44). */
static float tb_expm1f(float x)
{
    const float ln2_hi = tb_float_of(0x3F317180u);
    const float ln2_lo = tb_float_of(0x3717F7D1u);
    const float inv_ln2 = tb_float_of(0x3FB8AA3Bu);
    const float q1 = tb_float_of(0xBD088889u);
    const float q2 = tb_float_of(0x3AD00D01u);
    const float q3 = tb_float_of(0xB8A670CDu);
    const float q4 = tb_float_of(0x36867E54u);
    const float q5 = tb_float_of(0xB457EDBBu);
    const uint32_t magnitude = tb_bits_of(x) & 0x7FFFFFFFu;
    const int negative = (tb_bits_of(x) >> 31) != 0u;
    int32_t k = 0;
    float correction = 0.0f;
    if (magnitude > 0x3EB17218u) { /* |x| > ln2 / 2: reduce by k ln2, ln2 in two parts */
        float hi;
        float lo;
        if (magnitude < 0x3F851592u) { /* |x| < 1.5 ln2: k = +-1 */
            k = negative ? -1 : 1;
            hi = negative ? x + ln2_hi : x - ln2_hi;
            lo = negative ? -ln2_lo : ln2_lo;
        } else {
            k = (int32_t)(inv_ln2 * x + (negative ? -0.5f : 0.5f));
            const float kf = (float)k;
            hi = x - kf * ln2_hi;
            lo = kf * ln2_lo;
        }
        x = hi - lo;
        correction = (hi - x) - lo;
    } else if (magnitude < 0x33000000u) { /* |x| < 2^-25 */
        return x;
    }
    const float half_x = 0.5f * x;
    const float hxs = x * half_x;
    const float r1 = 1.0f + hxs * (q1 + hxs * (q2 + hxs * (q3 + hxs * (q4 + hxs * q5))));
    const float t = 3.0f - r1 * half_x;
    float e = hxs * ((r1 - t) / (6.0f - x * t));
    if (k == 0) {
        return x - (x * e - hxs);
    }
    e = x * (e - correction) - correction;
    e -= hxs;
    if (k == -1) {
        return 0.5f * (x - e) - 0.5f;
    }
    if (k == 1) {
        return x < -0.25f ? -2.0f * (e - (x + 0.5f)) : 1.0f + 2.0f * (x - e);
    }
    if (k <= -2 || k > 56) {
        return tb_scale_pow2(1.0f - (e - x), k) - 1.0f;
    }
    if (k < 23) {
        const float one_minus = tb_float_of(0x3F800000u - (0x1000000u >> k)); /* 1 - 2^-k */
        return tb_scale_pow2(one_minus - (e - x), k);
    }
    const float pow2_minus_k = tb_float_of((uint32_t)(0x7F - k) << 23);
    return tb_scale_pow2((x - (e + pow2_minus_k)) + 1.0f, k);
}

float tb_lstm_tanhf(float x)
{
    const uint32_t magnitude = tb_bits_of(x) & 0x7FFFFFFFu;
    const int negative = (tb_bits_of(x) >> 31) != 0u;
    if (magnitude >= 0x7F800000u) { /* +-inf -> +-1, NaN -> NaN */
        return negative ? 1.0f / x - 1.0f : 1.0f / x + 1.0f;
    }
    float z;
    if (magnitude >= 0x41B00000u) { /* |x| >= 22: 1 (rounded from 1 - tiny) */
        z = 1.0f - tb_float_of(0x0DA24260u);
    } else if (magnitude == 0u) {
        return x;
    } else if (magnitude < 0x24000000u) { /* |x| < 2^-55 */
        return x * (1.0f + x);
    } else {
        const float a = tb_float_of(magnitude);
        if (magnitude >= 0x3F800000u) {
            z = 1.0f - 2.0f / (tb_expm1f(2.0f * a) + 2.0f);
        } else {
            const float m = tb_expm1f(-2.0f * a);
            z = -m / (m + 2.0f);
        }
    }
    return negative ? -z : z;
}
