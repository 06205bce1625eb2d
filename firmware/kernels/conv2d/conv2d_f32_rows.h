/* The row loop of the float32 CONV_2D, shared by tb_conv2d_f32 and the banded conv + pool
 * kernels, so that a fused kernel runs exactly the same floating-point operations in the same
 * order as the unfused one and gives the same bits. */
#ifndef TB_CONV2D_F32_ROWS_H
#define TB_CONV2D_F32_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_float.h"
#include "common/tb_window.h"
#include "conv2d/tb_conv2d.h"
#include "tb_kernel_types.h"

/* Output rows [row_begin, row_end) of batch `b`, written to `dest` as rows of out_w x out_c
 * floats (dest[0] is output row row_begin). Arguments are checked by the caller. */
static inline void tb_conv2d_f32_rows(const tb_conv_f32_params_t *params,
                                      const tb_dims_t *input_dims,
                                      const float *input,
                                      const tb_dims_t *filter_dims,
                                      const float *filter,
                                      const float *bias,
                                      const tb_dims_t *output_dims,
                                      int32_t b,
                                      int32_t row_begin,
                                      int32_t row_end,
                                      float *dest)
{
    const int32_t in_h = input_dims->h, in_w = input_dims->w, in_c = input_dims->c;
    const int32_t k_h = filter_dims->h, k_w = filter_dims->w, k_c = filter_dims->c;
    const int32_t out_w = output_dims->w, out_c = output_dims->c;
    const int32_t per_group = out_c / (in_c / k_c);

    for (int32_t oy = row_begin; oy < row_end; oy++) {
        const int32_t y0 = oy * params->stride.h - params->padding.h;
        float *row = dest + (size_t)(oy - row_begin) * (size_t)out_w * (size_t)out_c;
        for (int32_t ox = 0; ox < out_w; ox++) {
            const int32_t x0 = ox * params->stride.w - params->padding.w;
            for (int32_t oc = 0; oc < out_c; oc++) {
                const int32_t first_in_c = (oc / per_group) * k_c;
                float total = 0.0f;
                for (int32_t ky = 0; ky < k_h; ky++) {
                    const int32_t y = y0 + ky * params->dilation.h;
                    if (y < 0 || y >= in_h) {
                        continue;
                    }
                    for (int32_t kx = 0; kx < k_w; kx++) {
                        const int32_t x = x0 + kx * params->dilation.w;
                        if (x < 0 || x >= in_w) {
                            continue;
                        }
                        const float *in_px = input + tb_nhwc_offset(in_h, in_w, in_c, b, y, x, first_in_c);
                        const float *f_px = filter + tb_nhwc_offset(k_h, k_w, k_c, oc, ky, kx, 0);
                        for (int32_t ic = 0; ic < k_c; ic++) {
                            total += in_px[ic] * f_px[ic];
                        }
                    }
                }
                const float bias_value = bias != NULL ? bias[oc] : 0.0f;
                row[(size_t)ox * (size_t)out_c + (size_t)oc] =
                    tb_clamp_f32(total + bias_value, params->activation.min, params->activation.max);
            }
        }
    }
}

#endif /* TB_CONV2D_F32_ROWS_H */
