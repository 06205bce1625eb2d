/* The kernels that are one GEMM (common/tb_dsp_gemm.h: the hand-written routine for whole quads
 * and groups, the C path for the rest), TB_UNIT_KERNEL with TB_UNIT_PARAMS its parameter type:
 * tb_fully_connected_s8_dsp, or tb_conv2d_rows_s8_dsp (receptive fields that are contiguous runs
 * of the input). Cases from host TFLM (tb_unit_cases.h). */
#include "conv2d/tb_conv2d.h"
#include "fully_connected/tb_fully_connected.h"
#include "tb_unit.h"

typedef struct {
    tb_unit_io_t io;
    const TB_UNIT_PARAMS *params;
    const tb_dsp_requant_t *quant;
    const tb_dims_t *input_dims;
    const tb_dims_t *filter_dims;
    const int16_t *filter;
    const tb_dims_t *output_dims;
} tb_unit_case_t;

#include "tb_unit_cases.h"

static tb_status_t run(const void *p, const int8_t *input, const int8_t *input2, int8_t *output)
{
    const tb_unit_case_t *c = p;
    (void)input2;
    return TB_UNIT_KERNEL(c->params, c->quant, c->input_dims, input, c->filter_dims, c->filter, c->output_dims,
                          output);
}

TB_UNIT_MAIN(run)
