/* The int16 sigmoid and tanh (tb_sigmoid_s16.h), bit for bit as TFLM's reference integer kernels. */
#include <stdlib.h>

#include "activations/tb_sigmoid_s16.h"

/* (x * multiplier + round) >> shift with the product wrapping at 32 bits; shift in 0..31. */
static int32_t tb_sigmoid_rescale(int32_t x, int32_t multiplier, int32_t shift)
{
    const uint32_t rounding = shift > 0 ? (uint32_t)1 << (shift - 1) : 0u;
    const int32_t product = (int32_t)((uint32_t)x * (uint32_t)multiplier + rounding);
    return product >> shift;
}

int16_t tb_sigmoid_s16_value(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t v = tb_sigmoid_rescale(x, multiplier, shift);
    const uint32_t magnitude = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    const uint32_t segment = magnitude >> 9;
    uint32_t result;
    if (segment >= TB_SIGMOID_KNOTS - 1u) {
        result = (uint32_t)0x7FFF << 10;
    } else {
        const uint32_t low = tb_sigmoid_table_u16[segment];
        const uint32_t high = tb_sigmoid_table_u16[segment + 1u];
        result = (low << 9) + (magnitude & 0x1FFu) * (high - low);
    }
    /* Negative inputs mirror through sigmoid(-x) = 1 - sigmoid(x). */
    result = v >= 0 ? result + (1u << 9) : ((1u << 25) - result + (1u << 9) - 1u);
    return (int16_t)(result >> 10);
}

int16_t tb_tanh_s16_value(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t v = tb_sigmoid_rescale(x, multiplier, shift);
    const uint32_t magnitude = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    const uint32_t segment = magnitude >> 8;
    int32_t result;
    if (segment >= TB_SIGMOID_KNOTS - 1u) {
        result = (int32_t)((uint32_t)0xFFFF << 8);
    } else {
        const uint32_t low = tb_sigmoid_table_u16[segment];
        const uint32_t high = tb_sigmoid_table_u16[segment + 1u];
        result = (int32_t)((low << 8) + (magnitude & 0xFFu) * (high - low));
    }
    /* 2 sigmoid(2x) - 1, mirrored for negative inputs. */
    result = v >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
    return (int16_t)(result >> 8);
}
