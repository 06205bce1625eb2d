/* Optimized int8 MUL: same-shape operands, or a single value as input2. Two products per
 * SMULBB/SMULTT pair on offset-added halfwords, then the folded output requantization.
 * Bit-exact with tb_mul_s8 (TFLM's reference): the generator emits it only where the folded
 * form is exact for every possible product. */
#include <stddef.h>

#include "common/tb_requant.h"
#include "elementwise/tb_elementwise_dsp.h"

typedef struct {
    int32_t mult, round, sign, shift, lo, hi;
} tb_mul_consts_t;

TB_ALWAYS_INLINE uint32_t tb_mul_one(int32_t product, const tb_mul_consts_t *k, int clamp)
{
    int32_t v = tb_requant_folded(2 * product, k->mult, k->round, k->sign, k->shift);
    if (clamp) {
        v = tb_clamp_act(v, k->lo, k->hi);
    }
    return (uint8_t)v;
}

/* Four products of offset-added int8 lanes: bytes 0/2 and 1/3 as halfword pairs. */
TB_ALWAYS_INLINE uint32_t tb_mul_four(uint32_t w1, uint32_t w2, uint32_t off1, uint32_t off2,
                                      const tb_mul_consts_t *k, int clamp)
{
    const uint32_t a02 = tb_sadd16(tb_sxtb16(w1), off1), a13 = tb_sadd16(tb_sxtb16_ror8(w1), off1);
    const uint32_t b02 = tb_sadd16(tb_sxtb16(w2), off2), b13 = tb_sadd16(tb_sxtb16_ror8(w2), off2);
    const uint32_t v0 = tb_mul_one(tb_lo16(a02) * tb_lo16(b02), k, clamp);
    const uint32_t v1 = tb_mul_one(tb_lo16(a13) * tb_lo16(b13), k, clamp);
    const uint32_t v2 = tb_mul_one(tb_hi16(a02) * tb_hi16(b02), k, clamp);
    const uint32_t v3 = tb_mul_one(tb_hi16(a13) * tb_hi16(b13), k, clamp);
    return v0 | (v1 << 8) | (v2 << 16) | (v3 << 24);
}

static tb_status_t tb_mul_dsp_check(const tb_mul_dsp_params_t *params, int32_t size, const int8_t *input1,
                                    const int8_t *input2, const int8_t *output)
{
    if (params == NULL || params->output_requant == NULL || input1 == NULL || input2 == NULL || output == NULL ||
        size < 0 || params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    return TB_OK;
}

static tb_mul_consts_t tb_mul_consts(const tb_mul_dsp_params_t *params)
{
    const int32_t *rq = params->output_requant;
    const tb_mul_consts_t k = {rq[TB_RQ_MULT], rq[TB_RQ_ROUND], rq[TB_RQ_SIGN], rq[TB_RQ_SHIFT],
                               params->activation.min, params->activation.max};
    return k;
}

/* One loop for both forms: `step2` is 1 (same shape) or 0 (input2 one value). */
TB_ALWAYS_INLINE void tb_mul_loop(const tb_mul_dsp_params_t *params, int32_t size, const int8_t *input1,
                                  const int8_t *input2, int8_t *output, int step2, int clamp)
{
    const tb_mul_consts_t k = tb_mul_consts(params);
    const uint32_t off1 = (uint32_t)(uint16_t)params->input1_offset * 0x00010001u;
    const uint32_t off2 = (uint32_t)(uint16_t)params->input2_offset * 0x00010001u;
    const uint32_t scalar = tb_bytes4(input2[0]);
    int32_t i = 0;
    for (; i + 4 <= size; i += 4) {
        const uint32_t w2 = step2 ? tb_read_u32(input2 + i) : scalar;
        const uint32_t packed = tb_mul_four(tb_read_u32(input1 + i), w2, off1, off2, &k, clamp);
        __builtin_memcpy(output + i, &packed, sizeof packed); /* one STR, unaligned allowed */
    }
    for (; i < size; i++) {
        const int32_t x1 = (int32_t)input1[i] + params->input1_offset;
        const int32_t x2 = (int32_t)input2[step2 ? i : 0] + params->input2_offset;
        output[i] = (int8_t)tb_mul_one(x1 * x2, &k, clamp);
    }
}

tb_status_t tb_mul_s8_dsp(const tb_mul_dsp_params_t *params, int32_t size, const int8_t *input1,
                          const int8_t *input2, int8_t *output)
{
    const tb_status_t status = tb_mul_dsp_check(params, size, input1, input2, output);
    if (status != TB_OK) {
        return status;
    }
    if (params->clamp) {
        tb_mul_loop(params, size, input1, input2, output, 1, 1);
    } else {
        tb_mul_loop(params, size, input1, input2, output, 1, 0);
    }
    return TB_OK;
}

tb_status_t tb_mul_scalar_s8_dsp(const tb_mul_dsp_params_t *params, int32_t size, const int8_t *input1,
                                 const int8_t *input2, int8_t *output)
{
    const tb_status_t status = tb_mul_dsp_check(params, size, input1, input2, output);
    if (status != TB_OK) {
        return status;
    }
    if (params->clamp) {
        tb_mul_loop(params, size, input1, input2, output, 0, 1);
    } else {
        tb_mul_loop(params, size, input1, input2, output, 0, 0);
    }
    return TB_OK;
}
