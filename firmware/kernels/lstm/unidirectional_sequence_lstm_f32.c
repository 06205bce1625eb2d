/* float32 UNIDIRECTIONAL_SEQUENCE_LSTM in the operation order of TFLM's lstm_eval
 * (EvalLstm<float, float, float, float>): every product and sum as its reference kernels do it,
 * and expf and tanhf as host TFLM's glibc computes them (lstm_expf.c, lstm_tanhf.c): the
 * recurrence feeds every step's rounding into the next, so the target's own libm, an ULP off now
 * and then, would drift from TFLM. See tb_lstm.h for the order of work. */
#include <float.h>
#include <stddef.h>
#include <string.h>

#include "common/tb_float.h"
#include "lstm/lstm_sequence.h"
#include "lstm/tb_lstm.h"

/* TFLM's float fully connected with no activation: the sum in input order, then the bias,
 * clamped to [-FLT_MAX, FLT_MAX]. */
static float tb_lstm_dot_f32(const float *w, const float *x, int32_t n, float bias)
{
    float total = 0.0f;
    for (int32_t d = 0; d < n; d++) {
        total += x[d] * w[d];
    }
    return tb_clamp_f32(total + bias, -FLT_MAX, FLT_MAX);
}

static float tb_lstm_gate_f32(const tb_lstm_f32_weights_t *weights, int32_t gate, int32_t j, int32_t input_size,
                              int32_t state_size, const float *x, const float *h)
{
    const float a = tb_lstm_dot_f32(weights->input_weights[gate] + (size_t)j * (size_t)input_size, x, input_size,
                                    weights->bias[gate][j]);
    const float b = tb_lstm_dot_f32(weights->recurrent_weights[gate] + (size_t)j * (size_t)state_size, h,
                                    state_size, 0.0f);
    return a + b;
}

/* TFLM's float reference logistic, cut-offs included. */
static float tb_lstm_sigmoid_f32(float x)
{
    if (x > 16.619047164916992188f) {
        return 1.0f;
    }
    if (x < -9.0f) {
        return tb_lstm_expf(x);
    }
    return 1.0f / (1.0f + tb_lstm_expf(-x));
}

static float tb_lstm_mul_f32(float a, float b)
{
    return tb_clamp_f32(a * b, -FLT_MAX, FLT_MAX);
}

static void tb_lstm_step_f32(const tb_lstm_f32_params_t *params, const tb_lstm_f32_weights_t *weights,
                             int32_t rows, int32_t input_size, int32_t state_size, const float *x, float *h,
                             float *c, float *out)
{
    const float clip = params->cell_clip;
    for (int32_t r = 0; r < rows; r++) {
        const float *xr = x + (size_t)r * (size_t)input_size;
        const float *hr = h + (size_t)r * (size_t)state_size;
        float *cr = c + (size_t)r * (size_t)state_size;
        float *outr = out + (size_t)r * (size_t)state_size;
        for (int32_t j = 0; j < state_size; j++) {
            const float forget = tb_lstm_sigmoid_f32(
                tb_lstm_gate_f32(weights, TB_LSTM_FORGET_GATE, j, input_size, state_size, xr, hr));
            const float input = tb_lstm_sigmoid_f32(
                tb_lstm_gate_f32(weights, TB_LSTM_INPUT_GATE, j, input_size, state_size, xr, hr));
            const float cell_gate = tb_lstm_tanhf(tb_lstm_gate_f32(weights, TB_LSTM_CELL_GATE, j, input_size, state_size,
                                                           xr, hr));
            float cell = tb_lstm_mul_f32(forget, cr[j]) + tb_lstm_mul_f32(input, cell_gate);
            if (clip > 0.0f) {
                /* std::max(std::min(clip, cell), -clip) */
                const float upper = cell < clip ? cell : clip;
                cell = upper < -clip ? -clip : upper;
            }
            cr[j] = cell;
            const float output = tb_lstm_sigmoid_f32(
                tb_lstm_gate_f32(weights, TB_LSTM_OUTPUT_GATE, j, input_size, state_size, xr, hr));
            outr[j] = tb_lstm_mul_f32(tb_lstm_tanhf(cell), output);
        }
    }
    memcpy(h, out, (size_t)rows * (size_t)state_size * sizeof(float));
}

tb_status_t tb_unidirectional_sequence_lstm_f32(const tb_lstm_f32_params_t *params,
                                                const tb_lstm_dims_t *dims,
                                                const tb_lstm_f32_weights_t *weights,
                                                const float *input,
                                                float *hidden_state,
                                                float *cell_state,
                                                float *output)
{
    if (params == NULL || dims == NULL || weights == NULL || input == NULL || hidden_state == NULL ||
        cell_state == NULL || output == NULL) {
        return TB_ERR_ARG;
    }
    if (dims->batches < 0 || dims->time_steps < 0 || dims->input_size < 0 || dims->state_size < 0) {
        return TB_ERR_ARG;
    }
    for (int32_t g = 0; g < TB_LSTM_GATES; g++) {
        if (weights->input_weights[g] == NULL || weights->recurrent_weights[g] == NULL || weights->bias[g] == NULL) {
            return TB_ERR_ARG;
        }
    }
    TB_LSTM_RUN_SEQUENCE(tb_lstm_step_f32, params, weights, dims, input, hidden_state, cell_state, output);
    return TB_OK;
}
