/* The optimized (DSP) int8 UNIDIRECTIONAL_SEQUENCE_LSTM (8x8->16), bit for bit as TFLM's lstm_eval
 * and the reference kernel (tb_lstm.h), with everything constant prepared by the generator
 * (generator/ops/unidirectional_sequence_lstm.py, the "dsp" variant):
 *
 * - Weights: int16 in the common/tb_dsp_gemm.h layout (groups of 4 channels, quads of
 *   (k0, k2, k1, k3)), ordered as the kernel reads them: per block of 4 state units, per gate
 *   (tb_lstm.h's order), the input part (ceil(I / 4) quads) then the recurrent part
 *   (ceil(S / 4) quads). Units past S and the taps past I or S are zero. Each part's weights are
 *   multiplied by 2^(1 + s): the doubling the folded requantization reads (tb_requant.h) and the
 *   part's left shift s (TFLM's shift when > 0, else 0), so the accumulator is already the
 *   rescaling's input.
 * - Biases: per block, per gate, 4 input-part biases then 4 recurrent-part biases, each with the
 *   zero point folded in (bias + input offset x row sum; hidden offset x row sum, the recurrent
 *   product having no bias) and scaled like the weights.
 * - Rescalings in the folded form: SMMLAR(acc2, multiplier, round + (acc2 < 0 ? sign : 0)) >> shift,
 *   then saturation. The generator checks the bounds that make it exact (|acc2| < 2^31 for every
 *   int8 input, |round| < 2^30) and otherwise keeps the reference kernel.
 *
 * No scratch: a block's 16 gate values live on the stack, the new hidden state goes to the output
 * tensor and is copied into the hidden state after each step (as the reference kernel does). */
#ifndef TB_LSTM_DSP_H
#define TB_LSTM_DSP_H

#include <stdint.h>

#include "lstm/tb_lstm.h"
#include "tb_kernel_types.h"

/* One rescaling in the folded form (see above). */
typedef struct {
    int32_t multiplier; /* Q31 */
    int32_t round;      /* 2^(e-1) when e >= 1, else 0 */
    int32_t sign;       /* -1 when e >= 1, else 0 */
    int32_t shift;      /* right shift e, 0..30 */
} tb_lstm_dsp_rescale_t;

typedef struct {
    const int16_t *weights; /* see above */
    const int32_t *bias;    /* per block of 4 units: 4 gates x (4 input + 4 recurrent) words */
    tb_lstm_dsp_rescale_t input_rescale[TB_LSTM_GATES];     /* doubled input products -> Q3.12 */
    tb_lstm_dsp_rescale_t recurrent_rescale[TB_LSTM_GATES]; /* doubled hidden products -> Q3.12 */
    tb_lstm_dsp_rescale_t forget_cell; /* doubled forget gate x cell -> cell */
    tb_lstm_dsp_rescale_t input_cell;  /* doubled input gate x cell gate -> cell */
    tb_lstm_dsp_rescale_t hidden;      /* doubled output gate x tanh(cell) -> hidden */
    int32_t hidden_zero_point;
    int32_t cell_clip;                 /* quantized, 1..32767; 0: no clipping */
    int32_t tanh_multiplier;           /* tanh(cell) input: (c * multiplier + */
    int32_t tanh_shift;                /*   rounding) >> shift, as tb_tanh_s16_value */
} tb_lstm_s8_dsp_params_t;

tb_status_t tb_unidirectional_sequence_lstm_s8_dsp(const tb_lstm_s8_dsp_params_t *params,
                                                   const tb_lstm_dims_t *dims,
                                                   const int8_t *input,
                                                   int8_t *hidden_state,
                                                   int16_t *cell_state,
                                                   int8_t *output);

/* The int16 sigmoid (Q3.12 in, the gates' fixed input rescaling x3) and tanh (any input rescaling
 * (x * multiplier + rounding) >> shift) of tb_lstm.h with one table word per segment: the same
 * values as tb_sigmoid_s16_value(x, 3, 0) and tb_tanh_s16_value(x, multiplier, shift). Exposed for
 * the host test that checks them on every int16 input. */
int32_t tb_lstm_dsp_sigmoid(int32_t x);
int32_t tb_lstm_dsp_tanh(int32_t x, int32_t multiplier, int32_t shift);

#endif /* TB_LSTM_DSP_H */
