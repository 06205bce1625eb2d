/* BROADCAST_ARGS for int32 and int64 shape vectors; values pass through int, as TFLM's reference. */
#include <stddef.h>
#include <string.h>

#include "broadcast/tb_broadcast.h"

static int32_t value_at(const void *data, int32_t length, int32_t bytes, int32_t backward)
{
    const int32_t forward = length - 1 - backward;
    if (forward < 0) {
        return 1;
    }
    if (bytes == 8) {
        int64_t v;
        memcpy(&v, (const uint8_t *)data + (size_t)forward * 8u, sizeof v);
        return (int32_t)v;
    }
    int32_t v;
    memcpy(&v, (const uint8_t *)data + (size_t)forward * 4u, sizeof v);
    return v;
}

tb_status_t tb_broadcast_args(const tb_broadcast_args_params_t *p, const void *shape1, const void *shape2,
                              void *output)
{
    if (p == NULL || shape1 == NULL || shape2 == NULL || output == NULL || p->length1 < 0 || p->length2 < 0 ||
        p->out_length < 0 || (p->value_bytes != 4 && p->value_bytes != 8)) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < p->out_length; i++) {
        const int32_t a = value_at(shape1, p->length1, p->value_bytes, i);
        const int32_t b = value_at(shape2, p->length2, p->value_bytes, i);
        int32_t v = a;
        if (a == 1) {
            v = b;
        } else if (b != 1 && a != b) {
            return TB_ERR_ARG;
        }
        uint8_t *at = (uint8_t *)output + (size_t)(p->out_length - 1 - i) * (size_t)p->value_bytes;
        if (p->value_bytes == 8) {
            const int64_t wide = v;
            memcpy(at, &wide, sizeof wide);
        } else {
            memcpy(at, &v, sizeof v);
        }
    }
    return TB_OK;
}
