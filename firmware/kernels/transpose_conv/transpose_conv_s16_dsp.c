/* 16x8 TRANSPOSE_CONV, optimized: the reference kernel's sums, four channels per SMLALD pair. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "transpose_conv/tb_transpose_conv.h"
#include "transpose_conv/transpose_conv_dsp.h"
#include "transpose_conv/transpose_conv_common.h"

tb_status_t tb_transpose_conv_s16_dsp(const tb_transpose_conv_params_t *params,
                                      const tb_per_channel_quant_t *quant,
                                      const tb_dims_t *input_dims,
                                      const int16_t *input,
                                      const tb_dims_t *filter_dims,
                                      const int8_t *filter,
                                      const int64_t *bias,
                                      const tb_dims_t *output_dims,
                                      int16_t *output)
{
    if (params == NULL || quant == NULL || quant->multiplier == NULL || quant->shift == NULL ||
        input_dims == NULL || input == NULL || filter_dims == NULL || filter == NULL ||
        output_dims == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    const tb_status_t status =
        tb_transpose_conv_check(&params->stride, &params->padding, input_dims, filter_dims, output_dims);
    if (status != TB_OK) {
        return status;
    }
    if (params->activation.min > params->activation.max ||
        !tb_tconv_shifts_within(quant->shift, output_dims->c, -31, 7)) {
        return TB_ERR_ARG;
    }
    const int32_t in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;

    const size_t filter_channel = (size_t)k_h * (size_t)k_w * (size_t)in_c;
    for (int32_t b = 0; b < output_dims->n; b++) {
        for (int32_t oy = 0; oy < out_h; oy++) {
            for (int32_t ox = 0; ox < out_w; ox++) {
                const tb_tconv_field_t field =
                    tb_tconv_field(input_dims, filter_dims, &params->stride, &params->padding, b, oy, ox);
                int16_t *out_px = output + tb_nhwc_offset(out_h, out_w, out_c, b, oy, ox, 0);
                for (int32_t oc = 0; oc < out_c; oc++) {
                    int64_t acc = 0;
                    const int8_t *channel_filter = filter + (size_t)oc * filter_channel;
                    size_t in_row = field.input;
                    ptrdiff_t tap_row = (ptrdiff_t)field.tap; /* offsets: a last step may leave the arrays */
                    for (int32_t r = 0; r < field.rows; r++) {
                        size_t in_px = in_row;
                        ptrdiff_t tap = tap_row;
                        for (int32_t c = 0; c < field.cols; c++) {
                            acc = tb_tconv_dot_s16(input + in_px, channel_filter + tap, in_c, acc);
                            in_px += (size_t)in_c;
                            tap -= (ptrdiff_t)field.tap_col;
                        }
                        in_row += field.input_row;
                        tap_row -= (ptrdiff_t)field.tap_row;
                    }
                    if (bias != NULL) {
                        acc = (int64_t)((uint64_t)acc + (uint64_t)bias[oc]);
                    }
                    const int32_t value =
                        tb_multiply_by_quantized_multiplier_s64(acc, quant->multiplier[oc], quant->shift[oc]);
                    out_px[oc] = (int16_t)tb_clamp_s32(value, params->activation.min, params->activation.max);
                }
            }
        }
    }
    return TB_OK;
}
