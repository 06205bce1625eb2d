/* Optimized int8 ADD of two same-shape tensors: per-input lookup tables made by the generator,
 * then the folded output requantization. Bit-exact with tb_add_s8 (TFLM's reference). */
#include <stddef.h>

#include "common/tb_requant.h"
#include "elementwise/tb_elementwise_dsp.h"

/* The output requantization's words, and the clamp, held in registers for the whole loop: the
 * int8 stores would otherwise make the compiler reload them after every element. */
typedef struct {
    int32_t mult, round, sign, shift, lo, hi;
} tb_add_consts_t;

TB_ALWAYS_INLINE int32_t tb_add_one(const int32_t *lut1, const int32_t *lut2, const tb_add_consts_t *k,
                                    int32_t x1, int32_t x2, int clamp)
{
    const int32_t v = tb_requant_folded(2 * (lut1[x1] + lut2[x2]), k->mult, k->round, k->sign, k->shift);
    return clamp ? tb_clamp_act(v, k->lo, k->hi) : v;
}

/* Four elements from two words into one word; `clamp` is a constant at each call site. */
TB_ALWAYS_INLINE uint32_t tb_add_four(const int32_t *lut1, const int32_t *lut2, const tb_add_consts_t *k,
                                      uint32_t w1, uint32_t w2, int clamp)
{
    const uint32_t v0 = (uint8_t)tb_add_one(lut1, lut2, k, (int8_t)w1, (int8_t)w2, clamp);
    const uint32_t v1 = (uint8_t)tb_add_one(lut1, lut2, k, (int8_t)(w1 >> 8), (int8_t)(w2 >> 8), clamp);
    const uint32_t v2 = (uint8_t)tb_add_one(lut1, lut2, k, (int8_t)(w1 >> 16), (int8_t)(w2 >> 16), clamp);
    const uint32_t v3 = (uint8_t)tb_add_one(lut1, lut2, k, (int8_t)(w1 >> 24), (int8_t)(w2 >> 24), clamp);
    return v0 | (v1 << 8) | (v2 << 16) | (v3 << 24);
}

tb_status_t tb_add_s8_dsp(const tb_add_dsp_params_t *params,
                          int32_t size,
                          const int8_t *input1,
                          const int8_t *input2,
                          int8_t *output)
{
    if (params == NULL || params->input1_lut == NULL || params->input2_lut == NULL ||
        params->output_requant == NULL || input1 == NULL || input2 == NULL || output == NULL || size < 0 ||
        params->activation.min > params->activation.max) {
        return TB_ERR_ARG;
    }
    const int32_t *lut1 = params->input1_lut + 128; /* index by the signed value */
    const int32_t *lut2 = params->input2_lut + 128;
    const int32_t *rq = params->output_requant;
    const tb_add_consts_t k = {rq[TB_RQ_MULT], rq[TB_RQ_ROUND], rq[TB_RQ_SIGN], rq[TB_RQ_SHIFT],
                               params->activation.min, params->activation.max};
    /* Without a fused activation the int8 saturation is the whole clamp: a loop without it. */
    const int clamp = params->clamp != 0;
    int32_t i = 0;
    if (clamp) {
        for (; i + 4 <= size; i += 4) {
            const uint32_t packed = tb_add_four(lut1, lut2, &k, tb_read_u32(input1 + i),
                                                tb_read_u32(input2 + i), 1);
            __builtin_memcpy(output + i, &packed, sizeof packed); /* one STR, unaligned allowed */
        }
    } else {
        for (; i + 4 <= size; i += 4) {
            const uint32_t packed = tb_add_four(lut1, lut2, &k, tb_read_u32(input1 + i),
                                                tb_read_u32(input2 + i), 0);
            __builtin_memcpy(output + i, &packed, sizeof packed);
        }
    }
    for (; i < size; i++) {
        output[i] = (int8_t)tb_add_one(lut1, lut2, &k, input1[i], input2[i], clamp);
    }
    return TB_OK;
}
