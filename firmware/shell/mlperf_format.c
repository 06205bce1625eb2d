#include "mlperf_format.h"

#include <string.h>

/* A float32 times 1000 is below 2^34 * 2^104 = 2^138: five 32-bit limbs hold it exactly. */
#define LIMBS 5u

/* Divides the little-endian number in place by 10; returns the remainder. */
static uint32_t div10(uint32_t limbs[LIMBS])
{
    uint64_t rest = 0u;
    for (size_t i = LIMBS; i-- > 0u;) {
        const uint64_t part = (rest << 32) | limbs[i];
        limbs[i] = (uint32_t)(part / 10u);
        rest = part % 10u;
    }
    return (uint32_t)rest;
}

static int is_zero(const uint32_t limbs[LIMBS])
{
    for (size_t i = 0u; i < LIMBS; i++) {
        if (limbs[i] != 0u) {
            return 0;
        }
    }
    return 1;
}

/* The value x 1000, rounded half to even, as limbs. */
static void scaled_thousandths(uint32_t mantissa, int32_t exponent, uint32_t limbs[LIMBS])
{
    uint64_t n = (uint64_t)mantissa * 1000u; /* < 2^34 */
    memset(limbs, 0, LIMBS * sizeof limbs[0]);
    if (exponent < 0) {
        const uint32_t shift = (uint32_t)(-exponent);
        if (shift >= 40u) {
            return; /* n / 2^shift < 2^34 / 2^40: rounds to zero */
        }
        const uint64_t half = (uint64_t)1u << (shift - 1u);
        const uint64_t rest = n & ((half << 1) - 1u);
        n >>= shift;
        if (rest > half || (rest == half && (n & 1u) != 0u)) {
            n++;
        }
        limbs[0] = (uint32_t)n;
        limbs[1] = (uint32_t)(n >> 32);
        return;
    }
    /* Exact: n shifted left by exponent (at most 104) across the limbs. */
    const uint32_t word = (uint32_t)exponent / 32u;
    const uint32_t bits = (uint32_t)exponent % 32u;
    const uint32_t parts[3] = {(uint32_t)n, (uint32_t)(n >> 32), 0u};
    for (uint32_t i = 0u; i < 3u && word + i < LIMBS; i++) {
        uint32_t limb = parts[i] << bits;
        if (bits != 0u && i > 0u) {
            limb |= parts[i - 1u] >> (32u - bits);
        }
        limbs[word + i] |= limb;
    }
}

size_t tb_format_fixed3(float value, char out[TB_FIXED3_MAX])
{
    uint32_t bits;
    memcpy(&bits, &value, sizeof bits);
    const int negative = (bits >> 31) != 0u;
    const uint32_t biased = (bits >> 23) & 0xFFu;
    const uint32_t fraction = bits & 0x7FFFFFu;
    size_t len = 0u;
    if (biased == 0xFFu && fraction != 0u) {
        memcpy(out, "nan", 4u);
        return 3u;
    }
    if (negative) {
        out[len++] = '-';
    }
    if (biased == 0xFFu) {
        memcpy(out + len, "inf", 4u);
        return len + 3u;
    }
    /* value = mantissa x 2^exponent; subnormals have no implicit bit. */
    const uint32_t mantissa = biased == 0u ? fraction : (fraction | 0x800000u);
    const int32_t exponent = biased == 0u ? -149 : (int32_t)biased - 150;
    uint32_t limbs[LIMBS];
    scaled_thousandths(mantissa, exponent, limbs);

    char digits[TB_FIXED3_MAX];
    size_t count = 0u;
    do {
        digits[count++] = (char)('0' + div10(limbs));
    } while (!is_zero(limbs) || count < 4u); /* at least "0" and three decimals */
    while (count > 3u) {
        out[len++] = digits[--count];
    }
    out[len++] = '.';
    while (count > 0u) {
        out[len++] = digits[--count];
    }
    out[len] = '\0';
    return len;
}

size_t tb_format_u32(uint32_t value, char out[11])
{
    char digits[10];
    size_t count = 0u;
    do {
        digits[count++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    size_t len = 0u;
    while (count > 0u) {
        out[len++] = digits[--count];
    }
    out[len] = '\0';
    return len;
}
