/* An int8 element-wise function as a 256-entry table the generator computes with the reference
 * kernel's arithmetic (the optimized LOGISTIC and TANH): out = table[in + 128]. */
#ifndef TB_LUT_S8_H
#define TB_LUT_S8_H

#include <stdint.h>

#include "tb_kernel_types.h"

tb_status_t tb_lut_s8(const int8_t *table, int32_t size, const int8_t *input, int8_t *output);

#endif /* TB_LUT_S8_H */
