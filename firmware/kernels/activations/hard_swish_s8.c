/* int8 HARD_SWISH, matching TFLM's reference: 16-bit fixed point throughout.
 *
 * The steps follow TFLM: the input (minus its zero point) is moved to a 2^-7 finer scale; one
 * path rescales it to the output scale (not yet shifted), the other maps [-3, 3] onto a
 * "relu-ish" factor in [0, 1]; their product, rounded toward zero, is shifted to the output.
 * int16 arithmetic is reproduced exactly, including where TFLM lets values wrap.
 */
#include <stddef.h>

#include "activations/tb_activations.h"

/* gemmlowp's SaturatingRoundingDoublingHighMul for int16. */
static int16_t tb_srdhm_s16(int16_t a, int16_t b)
{
    if (a == INT16_MIN && b == INT16_MIN) {
        return INT16_MAX;
    }
    const int32_t product = (int32_t)a * (int32_t)b;
    const int32_t nudge = product >= 0 ? (1 << 14) : (1 - (1 << 14));
    return (int16_t)((product + nudge) / (1 << 15));
}

/* Doubling high multiply rounding toward zero (like the SQDMULH instruction). */
static int16_t tb_sdhm_s16(int16_t a, int16_t b)
{
    if (a == INT16_MIN && b == INT16_MIN) {
        return INT16_MAX;
    }
    return (int16_t)(((int32_t)a * (int32_t)b) / (1 << 15));
}

/* gemmlowp's RoundingDivideByPOT instantiated for int16 (mask and threshold are int16 too). */
static int16_t tb_rounding_divide_by_pot_s16(int16_t x, int32_t exponent)
{
    const int16_t mask = (int16_t)(((int64_t)1 << exponent) - 1);
    const int16_t remainder = (int16_t)(x & mask);
    const int16_t threshold = (int16_t)((int16_t)(mask >> 1) + (x < 0 ? 1 : 0));
    return (int16_t)((int16_t)(x >> exponent) + (remainder > threshold ? 1 : 0));
}

static int16_t tb_saturating_left_shift_s16(int16_t value, int32_t amount)
{
    int64_t result = (int64_t)value * ((int64_t)1 << amount);
    result = result > INT16_MAX ? INT16_MAX : result;
    result = result < INT16_MIN ? INT16_MIN : result;
    return (int16_t)result;
}

tb_status_t tb_hard_swish_s8(const tb_hard_swish_params_t *params,
                             int32_t size,
                             const int8_t *input,
                             int8_t *output)
{
    if (params == NULL || input == NULL || output == NULL || size < 0) {
        return TB_ERR_ARG;
    }
    if (params->output_exponent > 0 || params->output_exponent < -31 ||
        params->reluish_exponent < -31 || params->reluish_exponent > 31) {
        return TB_ERR_ARG;
    }
    for (int32_t i = 0; i < size; i++) {
        const int16_t x = (int16_t)((int32_t)input[i] - params->input_zero_point);
        const int16_t x_hires = (int16_t)(x * (1 << 7));
        const int16_t x_preshift_output = tb_srdhm_s16(x_hires, params->output_multiplier);

        int16_t reluish = x_hires;
        if (params->reluish_exponent > 0) {
            /* All but the last bit of the left shift; saturation here cannot reach the result. */
            reluish = tb_saturating_left_shift_s16(reluish, params->reluish_exponent - 1);
        }
        reluish = tb_srdhm_s16(reluish, params->reluish_multiplier);
        if (params->reluish_exponent > 0) {
            reluish = tb_saturating_left_shift_s16(reluish, 1);
        }
        if (params->reluish_exponent < 0) {
            reluish = tb_rounding_divide_by_pot_s16(reluish, -params->reluish_exponent);
        }
        reluish = (int16_t)(((int32_t)reluish + (1 << 15)) >> 1); /* [-1, 1] -> [0, 1] */

        const int16_t preshift_output = tb_sdhm_s16(reluish, x_preshift_output);
        int16_t value = tb_rounding_divide_by_pot_s16(preshift_output, -params->output_exponent);
        value = (int16_t)(value + params->output_zero_point);
        value = value > 127 ? 127 : value;
        value = value < -128 ? -128 : value;
        output[i] = (int8_t)value;
    }
    return TB_OK;
}
