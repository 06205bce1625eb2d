/* The reference int8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED kernels (TB_UNIT_KERNEL,
 * with TB_UNIT_PARAMS and TB_UNIT_QUANT its parameter types: they share the argument list) on
 * cases from host TFLM (tb_unit_cases.h). */
#include "conv2d/tb_conv2d.h"
#include "depthwise_conv2d/tb_depthwise_conv2d.h"
#include "fully_connected/tb_fully_connected.h"
#include "tb_unit.h"

typedef struct {
    tb_unit_io_t io;
    const TB_UNIT_PARAMS *params;
    const TB_UNIT_QUANT *quant;
    const tb_dims_t *input_dims;
    const tb_dims_t *filter_dims;
    const int8_t *filter;
    const tb_dims_t *bias_dims;
    const int32_t *bias;
    const tb_dims_t *output_dims;
} tb_unit_case_t;

#include "tb_unit_cases.h"

static tb_status_t run(const void *p, const int8_t *input, const int8_t *input2, int8_t *output)
{
    const tb_unit_case_t *c = p;
    (void)input2;
    return TB_UNIT_KERNEL(c->params, c->quant, c->input_dims, input, c->filter_dims, c->filter, c->bias_dims,
                          c->bias, c->output_dims, output);
}

TB_UNIT_MAIN(run)
