/* The optimized set's requantizing QUANTIZE between int8 and int16 tensors: TFLM's reference
 * Requantize ((x - input zero point) rescaled, + output zero point, clamped) with the rescaling
 * of common/tb_rescale_exact.h (one SMLAL instead of the reference's 64-bit rounding
 * divisions), bit-exact with the reference kernels for every input. One kernel per file
 * instantiates the macro. */
#ifndef TB_REQUANTIZE_DSP_IMPL_H
#define TB_REQUANTIZE_DSP_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_requant.h"
#include "common/tb_rescale_exact.h"
#include "quantize/tb_quantize.h"

/* value clamped to a signed `bits`-bit type (SSAT). */
#if defined(__ARM_FEATURE_DSP)
#define TB_REQUANTIZE_DSP_SAT(value, bits) __ssat((value), (bits))
#else
#define TB_REQUANTIZE_DSP_SAT(value, bits) tb_clamp_s32((value), -(1 << ((bits) - 1)), (1 << ((bits) - 1)) - 1)
#endif

/* The loop, `right` (shift <= -1) a constant at each call. The offsets wrap as int32 sums do. */
#define TB_REQUANTIZE_DSP_LOOP(IN_T, OUT_T, OUT_BITS, right)                                           \
    for (int32_t i = 0; i < size; i++) {                                                                 \
        int32_t value = (int32_t)((uint32_t)(int32_t)input[i] + (uint32_t)input_offset);                \
        value = tb_rescale_exact(value, &r, (right));                                                    \
        value = (int32_t)((uint32_t)value + (uint32_t)output_offset);                                    \
        output[i] = (OUT_T)TB_REQUANTIZE_DSP_SAT(value, OUT_BITS);                                       \
    }

#define TB_DEFINE_REQUANTIZE_DSP(NAME, IN_T, OUT_T, OUT_BITS)                                                \
    tb_status_t NAME(const tb_requantize_params_t *params, const tb_quant_t *quant, int32_t size,          \
                     const IN_T *input, OUT_T *output)                                                     \
    {                                                                                                      \
        if (params == NULL || quant == NULL || input == NULL || output == NULL || size < 0 ||              \
            !tb_rescale_exact_valid(*quant)) {                                                             \
            return TB_ERR_ARG;                                                                             \
        }                                                                                                  \
        const tb_rescale_exact_t r = tb_rescale_exact_of(*quant);                                          \
        const int32_t input_offset = params->input_offset, output_offset = params->output_offset;         \
        if (quant->shift < 0) {                                                                            \
            TB_REQUANTIZE_DSP_LOOP(IN_T, OUT_T, OUT_BITS, 1)                                               \
        } else {                                                                                           \
            TB_REQUANTIZE_DSP_LOOP(IN_T, OUT_T, OUT_BITS, 0)                                               \
        }                                                                                                  \
        return TB_OK;                                                                                      \
    }

#endif /* TB_REQUANTIZE_DSP_IMPL_H */
