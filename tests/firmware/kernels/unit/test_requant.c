/* common/tb_requant.h against TFLM's MultiplyByQuantizedMultiplier: a table of (value,
 * multiplier, shift, output zero point) -> TFLM's result, computed in Python from TFLM's
 * arithmetic (tb_requant_table.h). Checked: the reference form on every row; where the generator
 * would fold it (tb_requant.h's bounds), the folded form on one row of words, the four-lane form
 * (asm on the device) on groups of rows, and the GEMM kernels' fast and exact rescalings. */
#include "common/tb_requant.h"
#include "tb_unit.h"

typedef struct {
    int32_t value;
    int32_t multiplier;
    int32_t shift;
    int32_t zero_point;
    int32_t expected;  /* TFLM's MultiplyByQuantizedMultiplier(value, multiplier, shift) */
    int32_t folded;    /* the generator would fold it: words is its row, 2 x value fits */
    int32_t fast;      /* shift in -31..-1 and |value| < 2^29: the SMMULR rescaling applies */
    int32_t words[TB_RQ_WORDS];
} tb_requant_case_t;

#include "tb_requant_table.h"

/* TFLM's result + zero point, as each form returns it: saturated or clamped to int8. */
static int32_t to_int8(const tb_requant_case_t *c)
{
    const int64_t v = (int64_t)c->expected + c->zero_point;
    return v < -128 ? -128 : (v > 127 ? 127 : (int32_t)v);
}

/* Lanes of up to four folded rows with shifts >= 1 at a time: the group layout (TB_RQ4_*). */
static void check_groups(void)
{
    int32_t lane[4], n = 0;
    for (int32_t k = 0; k < TB_REQUANT_CASES; k++) {
        const tb_requant_case_t *c = &tb_requant_cases[k];
        if (!c->folded || c->words[TB_RQ_SHIFT] < 1) {
            continue;
        }
        lane[n++] = k;
        if (n < 4 && k + 1 < TB_REQUANT_CASES) {
            continue;
        }
        int32_t group[TB_RQ4_WORDS] = {0}, acc[4] = {0}, plain[4] = {0};
        for (int32_t i = 0; i < 4; i++) {
            const tb_requant_case_t *r = &tb_requant_cases[lane[i < n ? i : 0]];
            group[TB_RQ4_MULT + i] = r->words[TB_RQ_MULT];
            group[TB_RQ4_ROUND + i] = r->words[TB_RQ_ROUND];
            group[TB_RQ4_SHIFT + i] = r->words[TB_RQ_SHIFT];
            acc[i] = 2 * r->value;
            plain[i] = r->value;
        }
        const uint32_t doubled = tb_requant4_doubled(acc[0], acc[1], acc[2], acc[3], group);
        const uint32_t fast = tb_requant4(plain[0], plain[1], plain[2], plain[3], group);
        for (int32_t i = 0; i < n; i++) {
            const tb_requant_case_t *r = &tb_requant_cases[lane[i]];
            tb_unit_equal("tb_requant4_doubled lane", lane[i], (int8_t)(doubled >> (8 * i)), to_int8(r));
            if (r->fast) {
                tb_unit_equal("tb_requant4 lane", lane[i], (int8_t)(fast >> (8 * i)), to_int8(r));
            }
        }
        n = 0;
    }
}

int main(void)
{
    tb_unit_begin();
    for (int32_t k = 0; k < TB_REQUANT_CASES; k++) {
        const tb_requant_case_t *c = &tb_requant_cases[k];
        tb_unit_equal("tb_multiply_by_quantized_multiplier", k,
                      tb_multiply_by_quantized_multiplier(c->value, c->multiplier, c->shift), c->expected);
        const int64_t offset = (int64_t)c->expected + c->zero_point;
        if (offset >= INT32_MIN && offset <= INT32_MAX) { /* the kernels add the offset in int32 */
            tb_unit_equal("tb_requantize exact", k,
                          tb_requantize(c->value, c->multiplier, c->shift, 0, c->zero_point, -128, 127), to_int8(c));
        }
        if (c->folded) {
            tb_unit_equal("tb_requant_row", k, tb_requant_row(2 * c->value, c->words), to_int8(c));
        }
        if (c->fast) {
            tb_unit_equal("tb_requantize fast", k,
                          tb_requantize(c->value, c->multiplier, c->shift, 1, c->zero_point, -128, 127), to_int8(c));
            tb_unit_equal("tb_requantize_fast", k,
                          tb_requantize_fast(c->value, c->multiplier, c->shift, c->zero_point, -128, 127), to_int8(c));
        }
    }
    check_groups();
    return tb_unit_end();
}
