/* CAST between int8, int16, int32 and uint32 (and from those to float32). Integer values are read
 * as int64 (exact for every source type), then stored with C's conversion to the target type. */
#include "cast/tb_cast.h"

static int64_t tb_cast_read(tb_cast_type_t from, const void *input, int32_t k)
{
    switch (from) {
    case TB_CAST_INT8:
        return ((const int8_t *)input)[k];
    case TB_CAST_INT16:
        return ((const int16_t *)input)[k];
    case TB_CAST_INT32:
        return ((const int32_t *)input)[k];
    default:
        return ((const uint32_t *)input)[k];
    }
}

tb_status_t tb_cast(int32_t size, tb_cast_type_t from, tb_cast_type_t to, const void *input, void *output)
{
    if (from == TB_CAST_FLOAT32) {
        return TB_ERR_NO_IMPL;
    }
    for (int32_t k = 0; k < size; k++) {
        const int64_t value = tb_cast_read(from, input, k);
        switch (to) {
        case TB_CAST_INT8:
            ((int8_t *)output)[k] = (int8_t)value;
            break;
        case TB_CAST_INT16:
            ((int16_t *)output)[k] = (int16_t)value;
            break;
        case TB_CAST_INT32:
            ((int32_t *)output)[k] = (int32_t)value;
            break;
        case TB_CAST_UINT32:
            ((uint32_t *)output)[k] = (uint32_t)value;
            break;
        case TB_CAST_FLOAT32:
            /* from the source type itself, so the rounding is that of one conversion */
            ((float *)output)[k] = from == TB_CAST_UINT32 ? (float)(uint32_t)value : (float)(int32_t)value;
            break;
        default:
            return TB_ERR_ARG;
        }
    }
    return TB_OK;
}
