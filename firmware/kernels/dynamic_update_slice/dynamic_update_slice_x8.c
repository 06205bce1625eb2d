/* DYNAMIC_UPDATE_SLICE, byte-wise, as TFLM's reference: copy the operand, then the update into
 * the box starting at each start index clamped to 0 .. operand_dim - update_dim. */
#include <stddef.h>
#include <string.h>

#include "dynamic_update_slice/tb_dynamic_update_slice.h"

static int64_t start_index(const void *start, int32_t index_bytes, int32_t i)
{
    if (index_bytes == 8) {
        int64_t value;
        memcpy(&value, (const uint8_t *)start + (size_t)i * 8u, sizeof value);
        return value;
    }
    int32_t value;
    memcpy(&value, (const uint8_t *)start + (size_t)i * 4u, sizeof value);
    return value;
}

tb_status_t tb_dynamic_update_slice_x8(const tb_dynamic_update_slice_params_t *p, const void *operand,
                                       const void *update, const void *start, void *output)
{
    if (p == NULL || operand == NULL || update == NULL || start == NULL || output == NULL || p->rank < 0 ||
        p->rank > TB_DUS_DIMS || (p->index_bytes != 4 && p->index_bytes != 8) || p->element_bytes < 1) {
        return TB_ERR_ARG;
    }
    const int32_t *od = p->operand_dims;
    const int32_t *ud = p->update_dims;
    size_t operand_elements = 1;
    size_t update_elements = 1;
    for (int32_t i = 0; i < TB_DUS_DIMS; i++) {
        if (ud[i] < 0 || ud[i] > od[i]) {
            return TB_ERR_ARG;
        }
        operand_elements *= (size_t)od[i];
        update_elements *= (size_t)ud[i];
    }
    const size_t width = (size_t)p->element_bytes;
    if (operand_elements == update_elements) {
        memcpy(output, update, operand_elements * width);
        return TB_OK;
    }
    if (output != operand) {
        memcpy(output, operand, operand_elements * width);
    }
    if (update_elements == 0) {
        return TB_OK;
    }
    int32_t first[TB_DUS_DIMS] = {0, 0, 0, 0, 0};
    const int32_t pad = TB_DUS_DIMS - p->rank;
    for (int32_t i = 0; i < p->rank; i++) {
        const int64_t limit = (int64_t)od[pad + i] - (int64_t)ud[pad + i];
        int64_t s = start_index(start, p->index_bytes, i);
        s = s < 0 ? 0 : s;
        first[pad + i] = (int32_t)(s > limit ? limit : s);
    }
    size_t stride[TB_DUS_DIMS];
    stride[TB_DUS_DIMS - 1] = width;
    for (int32_t i = TB_DUS_DIMS - 2; i >= 0; i--) {
        stride[i] = stride[i + 1] * (size_t)od[i + 1];
    }
    const uint8_t *src = (const uint8_t *)update;
    uint8_t *out = (uint8_t *)output;
    const size_t row = (size_t)ud[4] * width;
    for (int32_t a = 0; a < ud[0]; a++) {
        for (int32_t b = 0; b < ud[1]; b++) {
            for (int32_t c = 0; c < ud[2]; c++) {
                for (int32_t d = 0; d < ud[3]; d++) {
                    const size_t at = (size_t)(first[0] + a) * stride[0] + (size_t)(first[1] + b) * stride[1] +
                                      (size_t)(first[2] + c) * stride[2] + (size_t)(first[3] + d) * stride[3] +
                                      (size_t)first[4] * stride[4];
                    memcpy(out + at, src, row);
                    src += row;
                }
            }
        }
    }
    return TB_OK;
}
