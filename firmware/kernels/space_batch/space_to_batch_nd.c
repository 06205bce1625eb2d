/* SPACE_TO_BATCH_ND: whole pixels copied (or filled with the pad byte) in TFLM's output order. */
#include <stddef.h>
#include <string.h>

#include "space_batch/space_batch_common.h"
#include "space_batch/tb_space_batch.h"

tb_status_t tb_space_to_batch_nd(const tb_space_batch_params_t *params, const void *input, void *output)
{
    if (params == NULL || input == NULL || output == NULL ||
        !tb_space_batch_valid(params, &params->output, &params->input)) {
        return TB_ERR_ARG;
    }
    const tb_dims_t *in = &params->input, *out = &params->output;
    const size_t pixel = (size_t)out->c * (size_t)params->element_bytes;
    const uint8_t *src = (const uint8_t *)input;
    uint8_t *dst = (uint8_t *)output;
    for (int32_t ob = 0; ob < out->n; ob++) {
        const int32_t ib = ob % in->n;
        const int32_t offset = ob / in->n;
        const int32_t dy = offset / params->block.w, dx = offset % params->block.w;
        for (int32_t y = 0; y < out->h; y++) {
            const int32_t iy = y * params->block.h + dy - params->before.h;
            for (int32_t x = 0; x < out->w; x++) {
                const int32_t ix = x * params->block.w + dx - params->before.w;
                uint8_t *to = dst + tb_nhwc_offset(out->h, out->w, 1, ob, y, x, 0) * pixel;
                if (iy < 0 || iy >= in->h || ix < 0 || ix >= in->w) {
                    memset(to, params->pad_byte, pixel);
                } else {
                    memcpy(to, src + tb_nhwc_offset(in->h, in->w, 1, ib, iy, ix, 0) * pixel, pixel);
                }
            }
        }
    }
    return TB_OK;
}
