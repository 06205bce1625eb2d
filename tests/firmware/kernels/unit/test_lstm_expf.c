/* lstm/lstm_expf.c: tb_lstm_expf (fixed point, the float LSTM's expf) against
 * tb_lstm_expf_double (glibc's algorithm in double precision, whose values the float LSTM must
 * reproduce) bit for bit, on every TB_EXPF_STRIDE-th float of [-104, 89] (the range where e^x
 * is neither 0 nor infinite, and a little beyond) and on the inputs closest to the edges of the
 * fixed-point path: the ones whose value lies nearest a rounding boundary (where a fixed-point
 * path with a bound 8 times tighter than the kernel's rounds differently; found by checking
 * all 2,239,889,410 floats of the range), e^x near 1 - 2^-25 (just
 * below -2^-25), the limits of the 1.0 shortcut and of the fixed-point range, infinities and
 * NaN. The host build runs a large sample; the device build (software doubles) a smaller one. */
#include <string.h>

#include "lstm/tb_lstm.h"
#include "tb_unit.h"

#ifndef TB_EXPF_STRIDE
#if defined(TB_UNIT_DEVICE)
#define TB_EXPF_STRIDE 65521u
#else
#define TB_EXPF_STRIDE 251u
#endif
#endif

static const uint32_t tb_expf_edges[] = {
    /* the 15 nearest a rounding boundary (bits under the half-ULP one off by at most 2^-43 of
     * the value): here the fixed-point path must hand over to the double one */
    0xb8ca127eu, 0xb921cb32u, 0xb9cf1678u, 0xba921bd7u, 0xbc37495au, 0xbc3dad5eu, 0xbc70a558u, 0xbd76e220u,
    0xbe14c82cu, 0xbeb7bdadu, 0xc032740eu, 0xc242686bu, 0xc27f1f83u, 0x3c1a8917u, 0x4197276cu,
    /* the 1.0 shortcut (|x| < 2^-26) and its neighbours */
    0x00000000u, 0x80000000u, 0x00000001u, 0x80000001u, 0x327fffffu, 0xb27fffffu, 0x32800000u, 0xb2800000u,
    /* e^x near 1 - 2^-25, the half-way point under 1 */
    0xb2ffffd4u, 0xb2ffffd6u, 0xb2ffffdcu, 0xb2fffffeu, 0xb2ffffffu, 0xb3000000u, 0xb3000001u,
    /* the fixed-point range [-86, 86] and beyond: overflow, subnormal results, underflow */
    0x42ac0000u, 0x42ac0001u, 0xc2ac0000u, 0xc2ac0001u, 0x42b17217u, 0x42b17218u, 0xc2cff1b4u, 0xc2cff1b5u,
    0xc2aeac4fu, 0xc2aeac50u, 0x7f800000u, 0xff800000u, 0x7fc00000u, 0xffc00000u,
    /* z = x 32 / ln 2 near +-1/2 (x near +-ln 2 / 64), where k's rounding changes; the
     * sigmoid's cut-offs -9 and 16.619047 */
    0x3c317217u, 0x3c317218u, 0x3c317219u, 0xbc317217u, 0xbc317218u, 0xbc317219u, 0xc1100000u, 0x4184f3cfu,
};

static void tb_expf_check(uint32_t bits, int32_t index)
{
    float x;
    memcpy(&x, &bits, sizeof x);
    const float got = tb_lstm_expf(x);
    const float expected = tb_lstm_expf_double(x);
    uint32_t got_bits;
    uint32_t expected_bits;
    memcpy(&got_bits, &got, sizeof got_bits);
    memcpy(&expected_bits, &expected, sizeof expected_bits);
    tb_unit_equal("tb_lstm_expf", index, (int32_t)got_bits, (int32_t)expected_bits);
}

int main(void)
{
    tb_unit_begin();
    const int32_t edges = (int32_t)(sizeof tb_expf_edges / sizeof tb_expf_edges[0]);
    for (int32_t i = 0; i < edges; i++) {
        tb_expf_check(tb_expf_edges[i], i);
    }
    /* 0x80000000 (-0) .. 0xc2d00000 (-104) and 0 .. 0x42b20000 (89), by bit pattern */
    const uint32_t ranges[2][2] = {{0x80000000u, 0xc2d00000u}, {0x00000000u, 0x42b20000u}};
    int32_t index = edges;
    for (int32_t r = 0; r < 2; r++) {
        for (uint32_t bits = ranges[r][0]; bits <= ranges[r][1] && bits >= ranges[r][0]; bits += TB_EXPF_STRIDE) {
            tb_expf_check(bits, index++);
        }
    }
    return tb_unit_end();
}
