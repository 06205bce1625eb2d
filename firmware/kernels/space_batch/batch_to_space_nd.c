/* BATCH_TO_SPACE_ND: whole pixels copied in TFLM's input order; cropped ones are skipped. */
#include <stddef.h>
#include <string.h>

#include "space_batch/space_batch_common.h"
#include "space_batch/tb_space_batch.h"

tb_status_t tb_batch_to_space_nd(const tb_space_batch_params_t *params, const void *input, void *output)
{
    if (params == NULL || input == NULL || output == NULL ||
        !tb_space_batch_valid(params, &params->input, &params->output)) {
        return TB_ERR_ARG;
    }
    const tb_dims_t *in = &params->input, *out = &params->output;
    const size_t pixel = (size_t)in->c * (size_t)params->element_bytes;
    const uint8_t *src = (const uint8_t *)input;
    uint8_t *dst = (uint8_t *)output;
    for (int32_t ib = 0; ib < in->n; ib++) {
        const int32_t ob = ib % out->n;
        const int32_t offset = ib / out->n;
        const int32_t dy = offset / params->block.w, dx = offset % params->block.w;
        for (int32_t y = 0; y < in->h; y++) {
            const int32_t oy = y * params->block.h + dy - params->before.h;
            if (oy < 0 || oy >= out->h) {
                continue;
            }
            for (int32_t x = 0; x < in->w; x++) {
                const int32_t ox = x * params->block.w + dx - params->before.w;
                if (ox < 0 || ox >= out->w) {
                    continue;
                }
                memcpy(dst + tb_nhwc_offset(out->h, out->w, 1, ob, oy, ox, 0) * pixel,
                       src + tb_nhwc_offset(in->h, in->w, 1, ib, y, x, 0) * pixel, pixel);
            }
        }
    }
    return TB_OK;
}
