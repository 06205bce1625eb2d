/* ROUND (float32), as TFLM's RoundToNearest: halves go to the even neighbour (banker's rounding),
 * decided from floor(x) and the difference x - floor(x) exactly as TFLM decides it, so NaN and
 * the infinities come out as there (x - floor(x) is NaN for them: floor(x) + 1 is returned). */
#include <math.h>
#include <stddef.h>

#include "math/tb_math.h"

static float tb_round_to_nearest(float value)
{
    const float floor_val = floorf(value);
    const float diff = value - floor_val;
    /* diff == 0.5f only below 2^23, so the int conversion of floor_val is always in range. */
    if (diff < 0.5f || (diff == 0.5f && ((int32_t)floor_val % 2) == 0)) {
        return floor_val;
    }
    return floor_val + 1.0f;
}

tb_status_t tb_round_f32(int32_t size, const float *input, float *output)
{
    if (input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        output[i] = tb_round_to_nearest(input[i]);
    }
    return TB_OK;
}
