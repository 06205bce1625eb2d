/* The optimized DEPTHWISE_CONV_2D kernel for 1-3 output channels (tb_depthwise_conv2d_few_s8_dsp:
 * filter-row and filter-column ranges per pixel, the input offset through the prefix table), on
 * cases from host TFLM (tb_unit_cases.h). */
#include "depthwise_conv2d/tb_depthwise_conv2d_dsp.h"
#include "tb_unit.h"

typedef struct {
    tb_unit_io_t io;
    const tb_depthwise_conv_dsp_params_t *params;
    const int32_t *requant;
    const int32_t *prefix;
    const tb_dims_t *input_dims;
    const int16_t *filter;
    const tb_dims_t *output_dims;
} tb_unit_case_t;

#include "tb_unit_cases.h"

static tb_status_t run(const void *p, const int8_t *input, const int8_t *input2, int8_t *output)
{
    const tb_unit_case_t *c = p;
    (void)input2;
    return tb_depthwise_conv2d_few_s8_dsp(c->params, c->requant, c->prefix, c->input_dims, input, c->filter,
                                          c->output_dims, output);
}

TB_UNIT_MAIN(run)
