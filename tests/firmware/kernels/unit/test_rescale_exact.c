/* common/tb_rescale_exact.h (the SVDF ring and optimized QUANTIZE kernels' rescaling) against
 * TFLM's MultiplyByQuantizedMultiplier on the requantization table of test_requant.c
 * (tb_requant_table.h, computed in Python from TFLM's arithmetic): every row whose multiplier is
 * one the kernels accept (0 or 2^30 .. 2^31 - 1, as the generator emits them): tb_rescale_exact
 * must give TFLM's value, tb_rescale_clamped its value clamped to int16 (its callers clamp to
 * int16 or narrower). */
#include "common/tb_requant.h"
#include "common/tb_rescale_exact.h"
#include "tb_unit.h"

typedef struct {
    int32_t value;
    int32_t multiplier;
    int32_t shift;
    int32_t zero_point;
    int32_t expected; /* TFLM's MultiplyByQuantizedMultiplier(value, multiplier, shift) */
    int32_t folded;
    int32_t fast;
    int32_t words[6];
} tb_requant_case_t;

#include "tb_requant_table.h"

int main(void)
{
    tb_unit_begin();
    for (int32_t k = 0; k < TB_REQUANT_CASES; k++) {
        const tb_requant_case_t *c = &tb_requant_cases[k];
        const tb_quant_t q = {c->multiplier, c->shift};
        if (!tb_rescale_exact_valid(q)) {
            continue;
        }
        const tb_rescale_exact_t r = tb_rescale_exact_of(q);
        const int right = c->shift < 0;
        tb_unit_equal("tb_rescale_exact", k, right ? tb_rescale_exact(c->value, &r, 1) : tb_rescale_exact(c->value, &r, 0),
                      c->expected);
        const int32_t clamped = right ? tb_rescale_clamped(c->value, &r, 1) : tb_rescale_clamped(c->value, &r, 0);
        tb_unit_equal("tb_rescale_clamped", k, tb_clamp_s32(clamped, -32768, 32767),
                      tb_clamp_s32(c->expected, -32768, 32767));
    }
    return tb_unit_end();
}
