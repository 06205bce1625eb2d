/* The exhaustive check of firmware/kernels/lstm/lstm_expf.c: the fixed-point expf (its static
 * tb_exp_fixed, reached by including the source) against tb_lstm_expf_double on EVERY float of
 * [-104, 89], about a minute on one core. The tests run a sample of this
 * (tests/firmware/kernels/unit/test_lstm_expf.c); run this one after changing lstm_expf.c:
 *
 *   gcc -std=c11 -O2 -Ifirmware/kernels scripts/check_lstm_expf_all.c -o /tmp/check_expf
 *   /tmp/check_expf            # the kernel's bound: must print "0 differ"
 *   /tmp/check_expf 4096       # a tighter rounding bound, to see how much margin the kernel's has
 *
 * It prints how many inputs the fixed-point path hands to the double one (those with |x| > 86,
 * outside its range, and those nearer a rounding boundary than the bound), the first of them
 * inside the range, and every input where the two differ (exit status 1 if any). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static uint32_t check_bound;
#define TB_EXP_ERROR_BOUND check_bound
#include "lstm/lstm_expf.c"

int main(int argc, char **argv)
{
    check_bound = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 0x8000u;
    const uint32_t ranges[2][2] = {{0x80000000u, 0xc2d00000u}, {0x00000000u, 0x42b20000u}}; /* -0..-104, 0..89 */
    long long n = 0;
    long long handed_over = 0;
    long long inside = 0;
    long long differ = 0;
    for (int r = 0; r < 2; r++) {
        for (uint64_t i = ranges[r][0]; i <= ranges[r][1]; i++) {
            const uint32_t bits = (uint32_t)i;
            float x;
            float fixed;
            memcpy(&x, &bits, sizeof x);
            const float expected = tb_lstm_expf_double(x);
            n++;
            if (!tb_exp_fixed(x, &fixed)) {
                handed_over++;
                if ((bits & 0x7FFFFFFFu) <= TB_EXP_FAST_LIMIT && inside++ < 20) {
                    printf("handed over: x = %a (0x%08x)\n", (double)x, (unsigned)bits);
                }
            } else if (memcmp(&fixed, &expected, sizeof fixed) != 0) {
                if (differ++ < 100) {
                    printf("DIFFER: x = %a (0x%08x): fixed %a, double %a\n", (double)x, (unsigned)bits, (double)fixed,
                           (double)expected);
                }
            }
        }
    }
    printf("bound %u: %lld floats, %lld handed over (%lld with |x| <= 86), %lld differ\n", (unsigned)check_bound, n,
           handed_over, inside, differ);
    return differ != 0;
}
