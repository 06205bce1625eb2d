/* tb_conv2d_s8_dsp, the optimized general CONV_2D: im2col rows through the GEMM where the
 * generator grants scratch, else the direct form with its padding corrections; cases from host
 * TFLM (tb_unit_cases.h). */
#include "conv2d/tb_conv2d.h"
#include "tb_unit.h"

typedef struct {
    tb_unit_io_t io;
    int32_t im2col; /* the generator granted scratch rows */
    int32_t scratch_rows;
    const tb_conv_params_t *params;
    const tb_conv_dsp_quant_t *quant;
    const tb_dims_t *input_dims;
    const tb_dims_t *filter_dims;
    const int16_t *filter;
    const tb_dims_t *output_dims;
} tb_unit_case_t;

#include "tb_unit_cases.h"

static int8_t scratch[8192];

static tb_status_t run(const void *p, const int8_t *input, const int8_t *input2, int8_t *output)
{
    const tb_unit_case_t *c = p;
    (void)input2;
    const int32_t bytes = c->scratch_rows * tb_conv2d_s8_dsp_row_bytes(c->filter_dims);
    if (c->im2col && bytes > (int32_t)sizeof scratch) {
        return TB_ERR_ARG; /* reported as a failed status: the test's buffer is too small */
    }
    return tb_conv2d_s8_dsp(c->im2col ? scratch : NULL, c->scratch_rows, c->params, c->quant, c->input_dims,
                            input, c->filter_dims, c->filter, c->output_dims, output);
}

TB_UNIT_MAIN(run)
