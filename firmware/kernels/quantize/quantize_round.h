/* Rounding shared by the float32 QUANTIZE kernels. */
#ifndef TB_QUANTIZE_ROUND_H
#define TB_QUANTIZE_ROUND_H

#include <stdint.h>

/* std::round for |value| <= 2^17: truncate, then step away from zero on a half or more. */
static inline int32_t tb_round_half_away(float value)
{
    const int32_t whole = (int32_t)value;
    const float fraction = value - (float)whole; /* exact: both are close floats */
    if (fraction >= 0.5f) {
        return whole + 1;
    }
    if (fraction <= -0.5f) {
        return whole - 1;
    }
    return whole;
}

/* x / scale limited to +-limit (NaN to -limit), so the conversion to int32 stays defined; the
 * limit lies beyond the output type's range, so no in-range result changes. */
static inline float tb_quantize_quotient(float x, float scale, float limit)
{
    const float quotient = x / scale;
    if (!(quotient >= -limit)) { /* also catches NaN */
        return -limit;
    }
    return quotient > limit ? limit : quotient;
}

#endif /* TB_QUANTIZE_ROUND_H */
