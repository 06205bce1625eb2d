/* int8 UNIDIRECTIONAL_SEQUENCE_LSTM with an int16 cell state, bit for bit as TFLM's lstm_eval
 * (EvalLstm<int8_t, int8_t, int16_t, int32_t>): see tb_lstm.h for the order of work. */
#include <stddef.h>
#include <string.h>

#include "common/tb_requant.h"
#include "lstm/lstm_int_common.h"
#include "lstm/lstm_sequence.h"
#include "lstm/tb_lstm.h"

/* sum_d w[d] * (x[d] + offset), wrapping like TFLM's int32 accumulator. */
static int32_t tb_lstm_dot_s8(const int8_t *w, const int8_t *x, int32_t n, int32_t offset)
{
    uint32_t acc = 0u;
    for (int32_t d = 0; d < n; d++) {
        acc += (uint32_t)((int32_t)w[d] * ((int32_t)x[d] + offset));
    }
    return (int32_t)acc;
}

static int32_t tb_lstm_rescale(int32_t acc, const tb_quant_t *q)
{
    return tb_multiply_by_quantized_multiplier(acc, q->multiplier, q->shift);
}

/* One gate's pre-activation for unit j: the two products rescaled to int16 at 2^-12 (each
 * clamped to int16), then added with int16 saturation. */
static int32_t tb_lstm_gate_s8(const tb_lstm_s8_params_t *params, const tb_lstm_s8_weights_t *weights,
                               int32_t gate, int32_t j, int32_t input_size, int32_t state_size,
                               const int8_t *x, const int8_t *h)
{
    int32_t from_input = tb_lstm_dot_s8(weights->input_weights[gate] + (size_t)j * (size_t)input_size, x,
                                        input_size, params->input_offset);
    from_input = (int32_t)((uint32_t)from_input + (uint32_t)weights->bias[gate][j]);
    const int32_t a = tb_clamp_s32(tb_lstm_rescale(from_input, &params->input_rescale[gate]), TB_LSTM_INT16_MIN,
                                   TB_LSTM_INT16_MAX);
    const int32_t from_hidden = tb_lstm_dot_s8(weights->recurrent_weights[gate] + (size_t)j * (size_t)state_size,
                                               h, state_size, params->hidden_offset);
    const int32_t b = tb_clamp_s32(tb_lstm_rescale(from_hidden, &params->recurrent_rescale[gate]), TB_LSTM_INT16_MIN,
                                   TB_LSTM_INT16_MAX);
    return tb_clamp_s32(a + b, TB_LSTM_INT16_MIN, TB_LSTM_INT16_MAX);
}

/* One time step over `rows` batch rows that share the step (time major: all of them). */
static void tb_lstm_step_s8(const tb_lstm_s8_params_t *params, const tb_lstm_s8_weights_t *weights,
                            int32_t rows, int32_t input_size, int32_t state_size, const int8_t *x,
                            int8_t *h, int16_t *c, int8_t *out)
{
    for (int32_t r = 0; r < rows; r++) {
        const int8_t *xr = x + (size_t)r * (size_t)input_size;
        const int8_t *hr = h + (size_t)r * (size_t)state_size;
        int16_t *cr = c + (size_t)r * (size_t)state_size;
        int8_t *outr = out + (size_t)r * (size_t)state_size;
        for (int32_t j = 0; j < state_size; j++) {
            tb_lstm_gates_t gates;
            for (int32_t g = 0; g < TB_LSTM_GATES; g++) {
                gates.pre[g] = tb_lstm_gate_s8(params, weights, g, j, input_size, state_size, xr, hr);
            }
            cr[j] = tb_lstm_cell_s16(params, &gates, cr[j]);
            outr[j] = (int8_t)tb_clamp_s32(tb_lstm_hidden_value(params, &gates, cr[j]), -128, 127);
        }
    }
    /* Every unit has read the old hidden state: now it becomes this step's output. */
    memcpy(h, out, (size_t)rows * (size_t)state_size);
}

tb_status_t tb_unidirectional_sequence_lstm_s8(const tb_lstm_s8_params_t *params,
                                               const tb_lstm_dims_t *dims,
                                               const tb_lstm_s8_weights_t *weights,
                                               const int8_t *input,
                                               int8_t *hidden_state,
                                               int16_t *cell_state,
                                               int8_t *output)
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
            !tb_shifts_in_range(&params->input_rescale[g].shift, 1) ||
            !tb_shifts_in_range(&params->recurrent_rescale[g].shift, 1)) {
            return TB_ERR_ARG;
        }
    }
    TB_LSTM_RUN_SEQUENCE(tb_lstm_step_s8, params, weights, dims, input, hidden_state, cell_state, output);
    return TB_OK;
}
