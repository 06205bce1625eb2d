/* The requantizing QUANTIZE kernels between integer types, as TFLM's reference Requantize:
 * (x - input zero point) rescaled by one multiplier, + output zero point, clamped to the
 * output type. The subtraction and the addition wrap like int32 arithmetic does on TFLM's hosts
 * (they can only overflow for int32 tensors). One kernel per file instantiates the macro. */
#ifndef TB_REQUANTIZE_IMPL_H
#define TB_REQUANTIZE_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_requant.h"
#include "quantize/tb_quantize.h"

#define TB_DEFINE_REQUANTIZE(NAME, IN_T, OUT_T, OUT_MIN, OUT_MAX)                                 \
    tb_status_t NAME(const tb_requantize_params_t *params, const tb_quant_t *quant, int32_t size, \
                     const IN_T *input, OUT_T *output)                                            \
    {                                                                                             \
        if (params == NULL || quant == NULL || input == NULL || output == NULL || size < 0) {     \
            return TB_ERR_ARG;                                                                    \
        }                                                                                         \
        if (quant->shift < -31 || quant->shift > 31) {                                            \
            return TB_ERR_ARG;                                                                    \
        }                                                                                         \
        for (int32_t i = 0; i < size; i++) {                                                      \
            int32_t value = (int32_t)((uint32_t)(int32_t)input[i] + (uint32_t)params->input_offset); \
            value = tb_multiply_by_quantized_multiplier(value, quant->multiplier, quant->shift); \
            value = (int32_t)((uint32_t)value + (uint32_t)params->output_offset);                 \
            output[i] = (OUT_T)tb_clamp_s32(value, (OUT_MIN), (OUT_MAX));                         \
        }                                                                                         \
        return TB_OK;                                                                             \
    }

#endif /* TB_REQUANTIZE_IMPL_H */
