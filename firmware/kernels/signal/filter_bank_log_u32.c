/* SignalFilterBankLog (uint32 -> int16): log2 by a 128-segment correction table, times ln 2 in
 * Q16 (45426), times output_scale (32-bit product), each step rounded. */
#include "signal/tb_signal.h"

/* Correction of log2(1 + f) - f at f = k / 128, Q16 (the signal library's table values). */
static const uint16_t tb_log2_correction[130] = {
    0,    224,  442,  654,  861,  1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329, 2490, 2646, 2797,
    2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848, 3960, 4068, 4172, 4272, 4368, 4460, 4549, 4633,
    4714, 4791, 4864, 4934, 5001, 5063, 5123, 5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507,
    5533, 5557, 5578, 5595, 5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633, 5626, 5615, 5602, 5586,
    5568, 5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332, 5291, 5249, 5203, 5156, 5106, 5054, 5000,
    4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341, 4264, 4184, 4103, 4020, 3935, 3848,
    3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084, 2981, 2875, 2768, 2659, 2549, 2437, 2323, 2207,
    2090, 1971, 1851, 1729, 1605, 1480, 1353, 1224, 1094, 963,  830,  695,  559,  421,  282,  142,
    0,    0,
};

static uint32_t tb_log2_fraction(uint32_t value, uint32_t whole)
{
    int32_t frac = (int32_t)((int64_t)value - ((int64_t)1 << whole));
    if (whole < 16u) {
        frac = (int32_t)((uint32_t)frac << (16u - whole));
    } else {
        frac >>= whole - 16u;
    }
    const uint32_t segment = (uint32_t)(frac >> 9);
    const int32_t low = tb_log2_correction[segment];
    const int32_t high = tb_log2_correction[segment + 1u];
    const int32_t into = frac - (int32_t)(512u * segment);
    const int32_t step = ((high - low) * into) >> 16;
    return (uint32_t)(frac + low + step);
}

static uint32_t tb_log_scaled(uint32_t value, uint32_t scale)
{
    const uint32_t whole = tb_signal_msb32(value) - 1u;
    const uint32_t log2 = (whole << 16) + tb_log2_fraction(value, whole);
    const uint32_t ln = (uint32_t)(((uint64_t)45426u * log2 + 32768u) >> 16);
    return (scale * ln + 32768u) >> 16;
}

tb_status_t tb_signal_filter_bank_log_u32(const tb_signal_log_params_t *params, const uint32_t *input,
                                          int16_t *output)
{
    for (int32_t c = 0; c < params->num_channels; c++) {
        const uint32_t scaled = input[c] << params->input_correction_bits;
        if (scaled > 1u) {
            const uint32_t value = tb_log_scaled(scaled, params->output_scale);
            output[c] = (int16_t)(value < (uint32_t)INT16_MAX ? value : (uint32_t)INT16_MAX);
        } else {
            output[c] = 0;
        }
    }
    return TB_OK;
}
