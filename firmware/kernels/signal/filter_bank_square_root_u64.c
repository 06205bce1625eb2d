/* SignalFilterBankSquareRoot (uint64 -> uint32): bit-by-bit integer square root, rounded up when
 * the remainder exceeds the root (unless that would overflow its width), then shifted. */
#include "signal/tb_signal.h"

static uint32_t tb_sqrt_u32(uint32_t value)
{
    if (value == 0u) {
        return 0u;
    }
    const int32_t top = (int32_t)(32u - tb_signal_msb32(value)) | 1;
    uint32_t bit = 1u << (31 - top);
    uint32_t root = 0u;
    for (int32_t steps = (31 - top) / 2 + 1; steps > 0; steps--) {
        if (value >= root + bit) {
            value -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    if (value > root && root != 0xFFFFu) {
        root++;
    }
    return (uint16_t)root;
}

static uint32_t tb_sqrt_u64(uint64_t value)
{
    if ((value >> 32) == 0u) {
        return tb_sqrt_u32((uint32_t)value);
    }
    const int32_t top = (int32_t)(64u - tb_signal_msb64(value)) | 1;
    uint64_t bit = (uint64_t)1u << (63 - top);
    uint64_t root = 0u;
    for (int32_t steps = (63 - top) / 2 + 1; steps > 0; steps--) {
        if (value >= root + bit) {
            value -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    if (value > root && root != 0xFFFFFFFFu) {
        root++;
    }
    return (uint32_t)root;
}

tb_status_t tb_signal_filter_bank_square_root_u64(int32_t num_channels, const uint64_t *input,
                                                  const int32_t *scale_bits, uint32_t *output)
{
    const int32_t shift = *scale_bits;
    if (shift < 0 || shift > 31) {
        return TB_ERR_ARG;
    }
    for (int32_t c = 0; c < num_channels; c++) {
        output[c] = tb_sqrt_u64(input[c]) >> shift;
    }
    return TB_OK;
}
