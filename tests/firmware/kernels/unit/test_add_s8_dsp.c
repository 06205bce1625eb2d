/* tb_add_s8_dsp: per-input tables and the folded output requantization (tb_requant.h's rows),
 * four elements per word and the tail one by one; cases from host TFLM (tb_unit_cases.h). */
#include "elementwise/tb_elementwise_dsp.h"
#include "tb_unit.h"

typedef struct {
    tb_unit_io_t io;
    const tb_add_dsp_params_t *params;
    int32_t size;
} tb_unit_case_t;

#include "tb_unit_cases.h"

static tb_status_t run(const void *p, const int8_t *input, const int8_t *input2, int8_t *output)
{
    const tb_unit_case_t *c = p;
    return tb_add_s8_dsp(c->params, c->size, input, input2, output);
}

TB_UNIT_MAIN(run)
