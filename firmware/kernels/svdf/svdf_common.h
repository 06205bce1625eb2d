/* Shared pieces of the SVDF kernels; included by svdf_*.c only. */
#ifndef TB_SVDF_COMMON_H
#define TB_SVDF_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "svdf/tb_svdf.h"

static inline int tb_svdf_dims_valid(const tb_svdf_dims_t *d)
{
    return d->batches >= 0 && d->input_size >= 0 && d->rank >= 1 && d->num_filters >= 0 &&
           d->num_filters % d->rank == 0 && d->memory_size >= 1;
}

/* Elements of the state tensor: batches x num_filters x memory_size. */
static inline size_t tb_svdf_state_size(const tb_svdf_dims_t *d)
{
    return (size_t)d->batches * (size_t)d->num_filters * (size_t)d->memory_size;
}

/* int8 feature dot product of one filter row with one batch's input, input offset applied. */
static inline int32_t tb_svdf_feature_dot_s8(const int8_t *row, const int8_t *input, int32_t size,
                                             int32_t input_zero_point)
{
    int32_t acc = 0;
    for (int32_t c = 0; c < size; c++) {
        acc += (int32_t)row[c] * ((int32_t)input[c] - input_zero_point);
    }
    return acc;
}

/* bytes[i] = bytes[i + step]: the state moves left by one value of `step` bytes. */
static inline void tb_svdf_shift_state_ref(uint8_t *bytes, size_t count, size_t step)
{
    for (size_t i = 0; i + step < count; i++) {
        bytes[i] = bytes[i + step];
    }
}

/* One filter's time-weighted sum over its state, the state zero point removed. */
static inline int32_t tb_svdf_time_dot_s8(const int8_t *w, const int8_t *s, int32_t size, int32_t state_zero_point)
{
    int32_t acc = 0;
    for (int32_t m = 0; m < size; m++) {
        acc += (int32_t)w[m] * ((int32_t)s[m] - state_zero_point);
    }
    return acc;
}

static inline int32_t tb_svdf_time_dot_s16(const int16_t *w, const int16_t *s, int32_t size,
                                           int32_t state_zero_point)
{
    int32_t acc = 0;
    for (int32_t m = 0; m < size; m++) {
        acc += (int32_t)w[m] * ((int32_t)s[m] - state_zero_point);
    }
    return acc;
}

#endif /* TB_SVDF_COMMON_H */
