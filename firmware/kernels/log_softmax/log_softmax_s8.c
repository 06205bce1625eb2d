/* int8 LOG_SOFTMAX over the last dimension, bit-exact with TFLM's LogSoftmaxQuantized:
 * per row, the maximum; the sum of exp(x - max) over the differences at or above diff_min
 * (each difference in Q5.26, its exp rescaled to Q12.19); log(sum) in Q5.26 by gemmlowp's
 * log_x_for_x_greater_than_or_equal_to_1; then each output is (x - max) - log(sum) in units of
 * 16/256, plus 127, or -128 where the difference is too negative to show.
 * Facts from TFLM's reference log_softmax.h and internal/common.h; the code is ours. */
#include <stddef.h>

#include "activations/tb_fixedpoint_math.h"
#include "common/tb_requant.h"
#include "log_softmax/tb_log_softmax.h"

enum {
    TB_LSM_INPUT_BITS = 5,   /* Q5.26 differences and log */
    TB_LSM_ACCUM_BITS = 12,  /* Q12.19 sum of exps */
    TB_LSM_OUTPUT_BITS = 4,
};

static int32_t tb_saturating_add_s32(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    return (int32_t)(sum > INT32_MAX ? INT32_MAX : (sum < INT32_MIN ? INT32_MIN : sum));
}

static int32_t tb_saturating_sub_s32(int32_t a, int32_t b)
{
    const int64_t diff = (int64_t)a - (int64_t)b;
    return (int32_t)(diff > INT32_MAX ? INT32_MAX : (diff < INT32_MIN ? INT32_MIN : diff));
}

static int32_t tb_count_leading_zeros(uint32_t x)
{
    return x == 0u ? 32 : (int32_t)__builtin_clz(x);
}

/* log(x) for x >= 1: x raw in Q(in_bits), the result in Q(out_bits) (gemmlowp's minimax
 * rational approximation around the power of two nearest x, accumulated in Q(out_bits + 1)). */
static int32_t tb_fp_log_x_ge_1(int32_t x, int32_t in_bits, int32_t out_bits)
{
    const int32_t accum_bits = out_bits + 1;
    const int32_t log_2 = 1488522236;          /* log(2) in Q0 */
    const int32_t sqrt_sqrt_half = 1805811301; /* 0.5^(1/4) */
    const int32_t sqrt_half = 1518500250;      /* 0.5^(1/2) */
    const int32_t one_quarter = 536870912;
    const int32_t alpha_n = 117049297;
    const int32_t alpha_d = 127690142;
    const int32_t alpha_i = 1057819769;
    const int32_t alpha_f = 638450708;
    const int32_t shifted_quarter = tb_fp_rescale(one_quarter, 0, accum_bits);

    /* x read as Q0 and normalised two ways: r_a in [0.5, 1) times sqrt(0.5) * 2, r_b from x * sqrt(0.5). */
    const int32_t z_a_headroom_plus_1 = tb_count_leading_zeros((uint32_t)x);
    const int32_t r_a_tmp = tb_fp_multiply_by_pot(x, z_a_headroom_plus_1 - 1);
    const int32_t r_a = tb_fp_multiply_by_pot(tb_fp_mul(r_a_tmp, sqrt_half), 1);
    const int32_t z_a_pow_2_adj = tb_saturating_add_s32(
        tb_fp_multiply_by_pot(in_bits - z_a_headroom_plus_1, 31 - accum_bits), shifted_quarter);

    const int32_t z_b = tb_fp_mul(x, sqrt_half);
    const int32_t z_b_headroom = tb_count_leading_zeros((uint32_t)z_b) - 1;
    const int32_t r_b = tb_fp_multiply_by_pot(x, z_b_headroom);
    const int32_t z_b_pow_2_adj = tb_saturating_sub_s32(
        tb_fp_multiply_by_pot(in_bits - z_b_headroom, 31 - accum_bits), shifted_quarter);

    const int32_t r = r_a < r_b ? r_a : r_b;
    const int32_t z_pow_2_adj = z_a_pow_2_adj > z_b_pow_2_adj ? z_a_pow_2_adj : z_b_pow_2_adj;

    const int32_t p = tb_fp_rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = tb_fp_sub(r, sqrt_sqrt_half);
    q = tb_fp_add(q, q);
    const int32_t common_sq = tb_fp_mul(q, q);
    const int32_t num = tb_fp_add(tb_fp_mul(q, r), tb_fp_mul(tb_fp_mul(q, common_sq), alpha_n));
    const int32_t denom_minus_one =
        tb_fp_add(tb_fp_mul(p, tb_fp_add(tb_fp_add(alpha_i, q), tb_fp_mul(alpha_d, common_sq))),
                  tb_fp_mul(alpha_f, q));
    const int32_t recip_denom = tb_fp_one_over_one_plus_x_for_x_in_0_1(denom_minus_one);
    const int32_t num_scaled = tb_fp_rescale(num, 0, accum_bits);
    return tb_fp_rescale(tb_fp_add(tb_fp_mul(z_pow_2_adj, log_2), tb_fp_mul(num_scaled, recip_denom)),
                         accum_bits, out_bits);
}

tb_status_t tb_log_softmax_s8(const tb_log_softmax_s8_params_t *params,
                              int32_t rows,
                              int32_t depth,
                              const int8_t *input,
                              int8_t *output)
{
    if (params == NULL || input == NULL || output == NULL || rows < 0 || depth < 1 ||
        params->input_left_shift < 1 || params->input_left_shift > 30 || params->diff_min > 0 ||
        params->reverse_scaling_right_shift < 0 || params->reverse_scaling_right_shift > 31) {
        return TB_ERR_ARG;
    }
    for (int32_t row = 0; row < rows; row++) {
        const int8_t *in = input + (size_t)row * (size_t)depth;
        int8_t *out = output + (size_t)row * (size_t)depth;
        int32_t max_in_row = INT8_MIN;
        for (int32_t c = 0; c < depth; c++) {
            max_in_row = in[c] > max_in_row ? in[c] : max_in_row;
        }
        int32_t sum_of_exps = 0; /* Q12.19 */
        for (int32_t c = 0; c < depth; c++) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff >= params->diff_min) {
                const int32_t diff_q5 =
                    tb_multiply_by_quantized_multiplier(diff, params->input_multiplier, params->input_left_shift);
                const int32_t exp_q0 = tb_fp_exp_on_negative_values(diff_q5, TB_LSM_INPUT_BITS);
                sum_of_exps = tb_fp_add(sum_of_exps, tb_fp_rescale(exp_q0, 0, TB_LSM_ACCUM_BITS));
            }
        }
        const int32_t log_sum_q5 = tb_fp_log_x_ge_1(sum_of_exps, TB_LSM_ACCUM_BITS, TB_LSM_INPUT_BITS);
        /* The smallest Q5.26 value plus log(sum), back in input steps: below it the output is -128. */
        const int32_t shifted_log_sum = tb_fp_add(log_sum_q5, INT32_MIN);
        const int32_t rescaled_min = tb_multiply_by_quantized_multiplier(
            shifted_log_sum, params->reverse_scaling_divisor, -params->reverse_scaling_right_shift);
        const int32_t adjusted_diff_min = (params->diff_min - 1) > rescaled_min ? (params->diff_min - 1) : rescaled_min;
        for (int32_t c = 0; c < depth; c++) {
            const int32_t diff = (int32_t)in[c] - max_in_row;
            if (diff > adjusted_diff_min) {
                const int32_t diff_q5 =
                    tb_multiply_by_quantized_multiplier(diff, params->input_multiplier, params->input_left_shift);
                const int32_t value = tb_rounding_divide_by_pot(
                    tb_fp_sub(diff_q5, log_sum_q5), 31 - TB_LSM_INPUT_BITS - TB_LSM_OUTPUT_BITS) + INT8_MAX;
                out[c] = (int8_t)tb_clamp_s32(value, INT8_MIN, INT8_MAX);
            } else {
                out[c] = INT8_MIN;
            }
        }
    }
    return TB_OK;
}
