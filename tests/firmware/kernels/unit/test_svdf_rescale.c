/* svdf/svdf_dsp_common.h's exact rescaling (the ring SVDF kernels' tb_svdf_rescale) against
 * TFLM's MultiplyByQuantizedMultiplier on the requantization table of test_requant.c
 * (tb_requant_table.h, computed in Python from TFLM's arithmetic): every row whose multiplier is
 * one the kernels accept (0 or 2^30 .. 2^31 - 1, as the generator emits them). Right shifts
 * must give TFLM's value; left shifts (and 0) its value clamped to int16, as every caller
 * clamps it to int16 or narrower. */
#include "common/tb_requant.h"
#include "svdf/svdf_dsp_common.h"
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
        if (!tb_svdf_rescale_valid(q)) {
            continue;
        }
        const tb_svdf_rescale_t r = tb_svdf_rescale_of(q);
        if (c->shift < 0) {
            tb_unit_equal("tb_svdf_rescale right", k, tb_svdf_rescale(c->value, &r, 1), c->expected);
        } else {
            tb_unit_equal("tb_svdf_rescale left", k, tb_clamp_s32(tb_svdf_rescale(c->value, &r, 0), -32768, 32767),
                          tb_clamp_s32(c->expected, -32768, 32767));
        }
    }
    return tb_unit_end();
}
