/* The int16 sigmoid and tanh of TFLM's integer kernels, shared by LOGISTIC, TANH (int16) and the
 * integer LSTM: linear interpolation in a table of 256 knots of sigmoid in unsigned 0.16, spaced
 * 1/24 apart (tanh(x) = 2 sigmoid(2x) - 1 reads the same knots). The knots are generated from
 * their definition by generator/int16_sigmoid.py (sigmoid_table_u16.c).
 *
 * Both functions first rescale the input to v = (x * multiplier + round) >> shift, in units of
 * 1/(3 x 4096) (Q3.12 input: multiplier 3, shift 0); the product wraps as a 32-bit integer.
 * Sigmoid reads |v| in 512-unit segments, tanh in 256-unit ones; beyond the last knot both
 * saturate. Q0.15 out. */
#ifndef TB_SIGMOID_S16_H
#define TB_SIGMOID_S16_H

#include <stdint.h>

#define TB_SIGMOID_KNOTS 256

extern const uint16_t tb_sigmoid_table_u16[TB_SIGMOID_KNOTS];
/* The same knots packed per segment for one-load interpolation (the optimized LSTM). */
extern const uint32_t tb_sigmoid_table_packed_u32[TB_SIGMOID_KNOTS];

int16_t tb_sigmoid_s16_value(int32_t x, int32_t multiplier, int32_t shift);
int16_t tb_tanh_s16_value(int32_t x, int32_t multiplier, int32_t shift);

#endif /* TB_SIGMOID_S16_H */
