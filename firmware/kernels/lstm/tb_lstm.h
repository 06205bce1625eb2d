/* UNIDIRECTIONAL_SEQUENCE_LSTM: the standard LSTM TFLM runs (four gates with input and recurrent
 * weights and a bias each, no peephole, projection or layer norm), int8 activations and weights
 * with an int16 cell state (the "8x8->16" integer LSTM), int16 activations and states with int8
 * weights (the "16x8" one), both bit for bit as TFLM's lstm_eval, and float32.
 *
 * Per time step every gate is sigma(W_x x + b + W_h h) (the cell gate takes tanh), then
 *   cell   = forget * cell + input * cell_gate   (clipped to +-cell_clip when cell_clip > 0)
 *   hidden = output * tanh(cell)
 * and the hidden state is the step's output. The hidden and cell states are the model's variable
 * tensors: read at the start of the call and left holding the last step's values, as TFLM does.
 * Each state unit's arithmetic depends only on the old hidden state and its own cell value, so
 * the kernels compute unit by unit, write the new hidden state into the output tensor and copy
 * it into the hidden state after the step: no scratch buffer, the same values as TFLM's
 * gate-at-a-time order. */
#ifndef TB_LSTM_H
#define TB_LSTM_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* Gate order of the weight and parameter arrays. */
enum {
    TB_LSTM_INPUT_GATE = 0,
    TB_LSTM_FORGET_GATE = 1,
    TB_LSTM_CELL_GATE = 2,
    TB_LSTM_OUTPUT_GATE = 3,
    TB_LSTM_GATES = 4,
};

typedef struct {
    int32_t batches;     /* B */
    int32_t time_steps;  /* T */
    int32_t input_size;  /* I */
    int32_t state_size;  /* S: hidden and cell units */
    /* 1: input [T, B, I], output [T, B, S], every batch row per step;
     * 0: input [B, T, I], output [B, T, S], one batch row through all its steps at a time. */
    int32_t time_major;
} tb_lstm_dims_t;

typedef struct {
    const int8_t *input_weights[TB_LSTM_GATES];     /* [S, I] each */
    const int8_t *recurrent_weights[TB_LSTM_GATES]; /* [S, S] each */
    const int32_t *bias[TB_LSTM_GATES];             /* [S] each */
} tb_lstm_s8_weights_t;

/* The integer LSTM's constants (generator/lstm_quant.py derives them as TFLM's Prepare). Gate
 * products are rescaled to int16 at 2^-12 (the input of the int16 sigmoid/tanh, whose outputs
 * are at 2^-15); the weights are symmetric (zero point 0). */
typedef struct {
    int32_t input_offset;                         /* -input zero point */
    int32_t hidden_offset;                        /* -hidden state zero point */
    tb_quant_t input_rescale[TB_LSTM_GATES];      /* input x weights -> 2^-12 */
    tb_quant_t recurrent_rescale[TB_LSTM_GATES];  /* hidden x recurrent weights -> 2^-12 */
    tb_quant_t forget_cell;                       /* forget gate x cell -> cell */
    tb_quant_t input_cell;                        /* input gate x cell gate -> cell */
    tb_quant_t hidden;                            /* output gate x tanh(cell) -> hidden */
    int32_t hidden_zero_point;
    int32_t cell_clip;                            /* quantized, 1..32767; 0: no clipping */
    int32_t tanh_multiplier;                      /* tanh(cell) input: (c * multiplier + */
    int32_t tanh_shift;                           /*   rounding) >> shift, into 2^-12 x 1/3 */
} tb_lstm_s8_params_t;

/* The 16x8 LSTM: int8 weights, int64 biases; its constants mean what the int8 LSTM's do, with
 * the gate products' shifts in -31..7 (TFLM's 64-bit rescaling). */
typedef struct {
    const int8_t *input_weights[TB_LSTM_GATES];     /* [S, I] each */
    const int8_t *recurrent_weights[TB_LSTM_GATES]; /* [S, S] each */
    const int64_t *bias[TB_LSTM_GATES];             /* [S] each */
} tb_lstm_s16_weights_t;

typedef tb_lstm_s8_params_t tb_lstm_s16_params_t;

typedef struct {
    const float *input_weights[TB_LSTM_GATES];
    const float *recurrent_weights[TB_LSTM_GATES];
    const float *bias[TB_LSTM_GATES];
} tb_lstm_f32_weights_t;

typedef struct {
    float cell_clip; /* > 0: the cell state is clipped to [-cell_clip, cell_clip] */
} tb_lstm_f32_params_t;

tb_status_t tb_unidirectional_sequence_lstm_s8(const tb_lstm_s8_params_t *params,
                                               const tb_lstm_dims_t *dims,
                                               const tb_lstm_s8_weights_t *weights,
                                               const int8_t *input,
                                               int8_t *hidden_state,
                                               int16_t *cell_state,
                                               int8_t *output);

tb_status_t tb_unidirectional_sequence_lstm_s16(const tb_lstm_s16_params_t *params,
                                                const tb_lstm_dims_t *dims,
                                                const tb_lstm_s16_weights_t *weights,
                                                const int16_t *input,
                                                int16_t *hidden_state,
                                                int16_t *cell_state,
                                                int16_t *output);

tb_status_t tb_unidirectional_sequence_lstm_f32(const tb_lstm_f32_params_t *params,
                                                const tb_lstm_dims_t *dims,
                                                const tb_lstm_f32_weights_t *weights,
                                                const float *input,
                                                float *hidden_state,
                                                float *cell_state,
                                                float *output);

/* expf and tanhf as host TFLM's glibc computes them (lstm_expf.c and lstm_tanhf.c say how
 * closely). */
float tb_lstm_expf(float x);
/* tb_lstm_expf's double-precision form (software doubles on the device): its fallback. */
float tb_lstm_expf_double(float x);
float tb_lstm_tanhf(float x);

#endif /* TB_LSTM_H */
