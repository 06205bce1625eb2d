/* tb_conv2d_pairs_s8_dsp, the optimized im2col CONV_2D over pixel pairs (the hand-written pair
 * GEMM on the device, its C twin on the host); cases from host TFLM (tb_unit_cases.h). */
#include "conv2d/tb_conv2d.h"
#include "tb_unit.h"

typedef struct {
    tb_unit_io_t io;
    int32_t im2col; /* the generator granted the pair scratch (always, for this kernel) */
    const tb_conv_params_t *params;
    const tb_conv_dsp_quant_t *quant;
    const tb_dims_t *input_dims;
    const tb_dims_t *filter_dims;
    const int16_t *filter;
    const tb_dims_t *output_dims;
} tb_unit_case_t;

#include "tb_unit_cases.h"

static uint32_t scratch[2048];

static tb_status_t run(const void *p, const int8_t *input, const int8_t *input2, int8_t *output)
{
    const tb_unit_case_t *c = p;
    (void)input2;
    if (!c->im2col || tb_conv2d_pairs_s8_dsp_bytes(c->filter_dims) > (int32_t)sizeof scratch) {
        return TB_ERR_ARG; /* reported as a failed status: no scratch, or the test's is too small */
    }
    return tb_conv2d_pairs_s8_dsp(scratch, c->params, c->quant, c->input_dims, input, c->filter_dims, c->filter,
                                  c->output_dims, output);
}

TB_UNIT_MAIN(run)
