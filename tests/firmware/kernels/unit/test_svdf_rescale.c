/* svdf/svdf_dsp_common.h's exact rescaling (the ring SVDF kernels' tb_svdf_rescale) against
 * TFLM's MultiplyByQuantizedMultiplier on the requantization table of test_requant.c
 * (tb_requant_table.h, computed in Python from TFLM's arithmetic): every row whose multiplier is
 * one the generator can emit (>= 0), both forms where the shift allows them. */
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
        if (c->multiplier < 0) {
            continue;
        }
        const tb_quant_t q = {c->multiplier, c->shift};
        const tb_svdf_rescale_t r = tb_svdf_rescale_of(q);
        const int32_t got = c->shift < 0 ? tb_svdf_rescale(c->value, &r, 1) : tb_svdf_rescale(c->value, &r, 0);
        tb_unit_equal("tb_svdf_rescale", k, got, c->expected);
    }
    return tb_unit_end();
}
