/* The parts of TFLM's integer LSTM step that the 8x8->16 and 16x8 kernels share: the gate
 * nonlinearities, the cell update and the hidden value, all on int16 (tb_lstm.h says the order
 * of work). */
#ifndef TB_LSTM_INT_COMMON_H
#define TB_LSTM_INT_COMMON_H

#include <stdint.h>

#include "activations/tb_sigmoid_s16.h"
#include "common/tb_requant.h"
#include "lstm/tb_lstm.h"

#define TB_LSTM_INT16_MIN (-32768)
#define TB_LSTM_INT16_MAX 32767

/* The four gates' pre-activations of one unit (int16 at 2^-12), in TB_LSTM_* order. */
typedef struct {
    int32_t pre[TB_LSTM_GATES];
} tb_lstm_gates_t;

/* TFLM's MulElementwise of two symmetric int16 values into int16 (offset 0). */
static inline int32_t tb_lstm_mul_s16(int32_t a, int32_t b, const tb_quant_t *q)
{
    return tb_clamp_s32(tb_multiply_by_quantized_multiplier(a * b, q->multiplier, q->shift), TB_LSTM_INT16_MIN,
                        TB_LSTM_INT16_MAX);
}

/* The unit's new cell state from its gates and old cell (sigmoid, sigmoid, tanh on Q3.12). */
static inline int16_t tb_lstm_cell_s16(const tb_lstm_s8_params_t *params, const tb_lstm_gates_t *gates,
                                       int32_t old_cell)
{
    const int32_t forget = tb_sigmoid_s16_value(gates->pre[TB_LSTM_FORGET_GATE], 3, 0);
    const int32_t input = tb_sigmoid_s16_value(gates->pre[TB_LSTM_INPUT_GATE], 3, 0);
    const int32_t cell_gate = tb_tanh_s16_value(gates->pre[TB_LSTM_CELL_GATE], 3, 0);
    const int32_t kept = tb_lstm_mul_s16(forget, old_cell, &params->forget_cell);
    const int32_t added = tb_lstm_mul_s16(input, cell_gate, &params->input_cell);
    int32_t cell = tb_clamp_s32(kept + added, TB_LSTM_INT16_MIN, TB_LSTM_INT16_MAX);
    if (params->cell_clip > 0) {
        cell = tb_clamp_s32(cell, -params->cell_clip, params->cell_clip);
    }
    return (int16_t)cell;
}

/* sigmoid(output gate) x tanh(cell) rescaled to the hidden state plus its zero point, not clamped. */
static inline int32_t tb_lstm_hidden_value(const tb_lstm_s8_params_t *params, const tb_lstm_gates_t *gates,
                                           int32_t cell)
{
    const int32_t output = tb_sigmoid_s16_value(gates->pre[TB_LSTM_OUTPUT_GATE], 3, 0);
    const int32_t squashed = tb_tanh_s16_value(cell, params->tanh_multiplier, params->tanh_shift);
    return tb_multiply_by_quantized_multiplier(squashed * output, params->hidden.multiplier, params->hidden.shift) +
           params->hidden_zero_point;
}

/* The checks both kernels make of their parameters. */
static inline int tb_lstm_int_params_valid(const tb_lstm_s8_params_t *params, const tb_lstm_dims_t *dims)
{
    return dims->batches >= 0 && dims->time_steps >= 0 && dims->input_size >= 0 && dims->state_size >= 0 &&
           params->cell_clip >= 0 && params->tanh_shift >= 0 && params->tanh_shift <= 30;
}

#endif /* TB_LSTM_INT_COMMON_H */
