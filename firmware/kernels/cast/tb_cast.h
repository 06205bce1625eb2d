/* CAST kernels, one per (input, output) type pair TFLM's cast.cc runs: int8, int16, int32, uint32,
 * float32 and bool in; int8, int16, int32, uint32 and float32 out. Each element is converted as
 * host TFLM converts them (static_cast): integers narrow modulo 2^n; float32 -> integer truncates
 * toward zero and saturates (tb_cast_f32_saturate).
 */
#ifndef TB_CAST_H
#define TB_CAST_H

#include <stdbool.h>
#include <stdint.h>

#include "tb_kernel_types.h"

/* float32 -> a signed integer type of range [low, high]: truncation toward zero, saturated to the
 * range, NaN -> 0. This is what host TFLM gives (measured on the oracle package: CAST of 300.7 to
 * int8 is 127, of 40000 to int16 is 32767, of NaN is 0), though C leaves out-of-range values
 * undefined; the range is checked here so the device does not depend on its compiler either. */
static inline int32_t tb_cast_f32_saturate(float x, int32_t low, int32_t high)
{
    if (x != x) {
        return 0;
    }
    if (x <= (float)low) {
        return low;
    }
    if (x >= (float)high + 1.0f) { /* int32: 2^31 exactly; smaller types: high + 1 */
        return high;
    }
    const int32_t value = (int32_t)x;
    return value > high ? high : value;
}

/* float32 -> uint32 the same way: negative values and NaN give 0, values from 2^32 up UINT32_MAX. */
static inline uint32_t tb_cast_f32_to_u32(float x)
{
    if (!(x > 0.0f)) {
        return 0u;
    }
    if (x >= 4294967296.0f) {
        return UINT32_MAX;
    }
    return (uint32_t)x;
}

tb_status_t tb_cast_s8_s8(int32_t size, const int8_t *input, int8_t *output);

tb_status_t tb_cast_s8_s16(int32_t size, const int8_t *input, int16_t *output);

tb_status_t tb_cast_s8_s32(int32_t size, const int8_t *input, int32_t *output);

tb_status_t tb_cast_s8_u32(int32_t size, const int8_t *input, uint32_t *output);

tb_status_t tb_cast_s8_f32(int32_t size, const int8_t *input, float *output);

tb_status_t tb_cast_s16_s8(int32_t size, const int16_t *input, int8_t *output);

tb_status_t tb_cast_s16_s16(int32_t size, const int16_t *input, int16_t *output);

tb_status_t tb_cast_s16_s32(int32_t size, const int16_t *input, int32_t *output);

tb_status_t tb_cast_s16_u32(int32_t size, const int16_t *input, uint32_t *output);

tb_status_t tb_cast_s16_f32(int32_t size, const int16_t *input, float *output);

tb_status_t tb_cast_s32_s8(int32_t size, const int32_t *input, int8_t *output);

tb_status_t tb_cast_s32_s16(int32_t size, const int32_t *input, int16_t *output);

tb_status_t tb_cast_s32_s32(int32_t size, const int32_t *input, int32_t *output);

tb_status_t tb_cast_s32_u32(int32_t size, const int32_t *input, uint32_t *output);

tb_status_t tb_cast_s32_f32(int32_t size, const int32_t *input, float *output);

tb_status_t tb_cast_u32_s8(int32_t size, const uint32_t *input, int8_t *output);

tb_status_t tb_cast_u32_s16(int32_t size, const uint32_t *input, int16_t *output);

tb_status_t tb_cast_u32_s32(int32_t size, const uint32_t *input, int32_t *output);

tb_status_t tb_cast_u32_u32(int32_t size, const uint32_t *input, uint32_t *output);

tb_status_t tb_cast_u32_f32(int32_t size, const uint32_t *input, float *output);

tb_status_t tb_cast_f32_s8(int32_t size, const float *input, int8_t *output);

tb_status_t tb_cast_f32_s16(int32_t size, const float *input, int16_t *output);

tb_status_t tb_cast_f32_s32(int32_t size, const float *input, int32_t *output);

tb_status_t tb_cast_f32_u32(int32_t size, const float *input, uint32_t *output);

tb_status_t tb_cast_f32_f32(int32_t size, const float *input, float *output);

tb_status_t tb_cast_bool_s8(int32_t size, const bool *input, int8_t *output);

tb_status_t tb_cast_bool_s16(int32_t size, const bool *input, int16_t *output);

tb_status_t tb_cast_bool_s32(int32_t size, const bool *input, int32_t *output);

tb_status_t tb_cast_bool_u32(int32_t size, const bool *input, uint32_t *output);

tb_status_t tb_cast_bool_f32(int32_t size, const bool *input, float *output);

#endif /* TB_CAST_H */
