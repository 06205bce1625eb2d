/* 16x8 UNIDIRECTIONAL_SEQUENCE_LSTM (int16 activations and states, int8 weights, int64 biases),
 * bit for bit as TFLM's lstm_eval (EvalLstm<int16_t, int8_t, int16_t, int64_t>): the gate products
 * accumulate in 64 bits and rescale with TFLM's 64-bit MultiplyByQuantizedMultiplier; the rest is
 * the integer step the int8 kernel takes (lstm_int_common.h). See tb_lstm.h for the order of work. */
#include <stddef.h>
#include <string.h>

#include "common/tb_requant.h"
#include "common/tb_requant64.h"
#include "lstm/lstm_int_common.h"
#include "lstm/lstm_sequence.h"
#include "lstm/tb_lstm.h"

/* sum_d w[d] * (x[d] + offset) in 64 bits (each product fits 32). */
static int64_t tb_lstm_dot_s16(const int8_t *w, const int16_t *x, int32_t n, int32_t offset)
{
    int64_t acc = 0;
    for (int32_t d = 0; d < n; d++) {
        acc += (int64_t)((int32_t)w[d] * ((int32_t)x[d] + offset));
    }
    return acc;
}

/* One gate's pre-activation for unit j: the two products (the input one with the bias) rescaled
 * to int16 at 2^-12, each clamped to int16, then added with int16 saturation. */
static int32_t tb_lstm_gate_s16(const tb_lstm_s16_params_t *params, const tb_lstm_s16_weights_t *weights,
                                int32_t gate, int32_t j, int32_t input_size, int32_t state_size,
                                const int16_t *x, const int16_t *h)
{
    const int64_t from_input = tb_lstm_dot_s16(weights->input_weights[gate] + (size_t)j * (size_t)input_size, x,
                                               input_size, params->input_offset) +
                               weights->bias[gate][j];
    const tb_quant_t *qx = &params->input_rescale[gate];
    const int32_t a = tb_clamp_s32(tb_multiply_by_quantized_multiplier_64(from_input, qx->multiplier, qx->shift),
                                   TB_LSTM_INT16_MIN, TB_LSTM_INT16_MAX);
    const int64_t from_hidden = tb_lstm_dot_s16(weights->recurrent_weights[gate] + (size_t)j * (size_t)state_size,
                                                h, state_size, params->hidden_offset);
    const tb_quant_t *qh = &params->recurrent_rescale[gate];
    const int32_t b = tb_clamp_s32(tb_multiply_by_quantized_multiplier_64(from_hidden, qh->multiplier, qh->shift),
                                   TB_LSTM_INT16_MIN, TB_LSTM_INT16_MAX);
    return tb_clamp_s32(a + b, TB_LSTM_INT16_MIN, TB_LSTM_INT16_MAX);
}

/* One time step over `rows` batch rows that share the step (time major: all of them). */
static void tb_lstm_step_s16(const tb_lstm_s16_params_t *params, const tb_lstm_s16_weights_t *weights,
                             int32_t rows, int32_t input_size, int32_t state_size, const int16_t *x,
                             int16_t *h, int16_t *c, int16_t *out)
{
    for (int32_t r = 0; r < rows; r++) {
        const int16_t *xr = x + (size_t)r * (size_t)input_size;
        const int16_t *hr = h + (size_t)r * (size_t)state_size;
        int16_t *cr = c + (size_t)r * (size_t)state_size;
        int16_t *outr = out + (size_t)r * (size_t)state_size;
        for (int32_t j = 0; j < state_size; j++) {
            tb_lstm_gates_t gates;
            for (int32_t g = 0; g < TB_LSTM_GATES; g++) {
                gates.pre[g] = tb_lstm_gate_s16(params, weights, g, j, input_size, state_size, xr, hr);
            }
            cr[j] = tb_lstm_cell_s16(params, &gates, cr[j]);
            outr[j] = (int16_t)tb_clamp_s32(tb_lstm_hidden_value(params, &gates, cr[j]), TB_LSTM_INT16_MIN,
                                            TB_LSTM_INT16_MAX);
        }
    }
    /* Every unit has read the old hidden state: now it becomes this step's output. */
    memcpy(h, out, (size_t)rows * (size_t)state_size * sizeof(int16_t));
}

static int tb_lstm_rescale64_valid(const tb_quant_t *q)
{
    return q->multiplier >= 0 && q->shift >= TB_REQUANT64_SHIFT_MIN && q->shift <= TB_REQUANT64_SHIFT_MAX;
}

tb_status_t tb_unidirectional_sequence_lstm_s16(const tb_lstm_s16_params_t *params,
                                                const tb_lstm_dims_t *dims,
                                                const tb_lstm_s16_weights_t *weights,
                                                const int16_t *input,
                                                int16_t *hidden_state,
                                                int16_t *cell_state,
                                                int16_t *output)
{
    if (params == NULL || dims == NULL || weights == NULL || input == NULL || hidden_state == NULL ||
        cell_state == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (!tb_lstm_int_params_valid(params, dims)) {
        return TB_ERR_ARG;
    }
    for (int32_t g = 0; g < TB_LSTM_GATES; g++) {
        if (weights->input_weights[g] == NULL || weights->recurrent_weights[g] == NULL || weights->bias[g] == NULL ||
            !tb_lstm_rescale64_valid(&params->input_rescale[g]) ||
            !tb_lstm_rescale64_valid(&params->recurrent_rescale[g])) {
            return TB_ERR_ARG;
        }
    }
    TB_LSTM_RUN_SEQUENCE(tb_lstm_step_s16, params, weights, dims, input, hidden_state, cell_state, output);
    return TB_OK;
}
