/* float32 UNIDIRECTIONAL_SEQUENCE_LSTM in the operation order of TFLM's lstm_eval
 * (EvalLstm<float, float, float, float>): every product and sum as its reference kernels do it,
 * and expf and tanhf as host TFLM's glibc computes them (lstm_expf.c, lstm_tanhf.c): the
 * recurrence feeds every step's rounding into the next, so the target's own libm, an ULP off now
 * and then, would drift from TFLM. See tb_lstm.h for the order of work. The four gates of a state
 * unit are computed together (one pass over the input and hidden vectors for all four rows). */
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "common/tb_float.h"
#include "lstm/lstm_sequence.h"
#include "lstm/tb_lstm.h"

/* Four products of one x block with one row, added in order into `acc` (a text fragment of
 * tb_lstm_dot4_f32's asm: x in s0-s3, the row's four values loaded into w0-w3). */
#define TB_LSTM_ROW4(row, acc, w0, w1, w2, w3)                                                       \
    "vldmia " row "!, {" w0 ", " w1 ", " w2 ", " w3 "}\n\t"                                       \
    "vmul.f32 " w0 ", s0, " w0 "\n\t"                                                            \
    "vmul.f32 " w1 ", s1, " w1 "\n\t"                                                            \
    "vmul.f32 " w2 ", s2, " w2 "\n\t"                                                            \
    "vmul.f32 " w3 ", s3, " w3 "\n\t"                                                            \
    "vadd.f32 " acc ", " acc ", " w0 "\n\t"                                                      \
    "vadd.f32 " acc ", " acc ", " w1 "\n\t"                                                      \
    "vadd.f32 " acc ", " acc ", " w2 "\n\t"                                                      \
    "vadd.f32 " acc ", " acc ", " w3 "\n\t"

/* The four gates' rows of one state unit (each matrix's values from `row` on) against the same vector: four sums, each in input
 * order from 0.0f as TFLM's float fully connected adds them (every product rounded, then added:
 * no fused multiply-add), side by side so each x[d] is loaded once for four products. On the
 * Cortex-M4 blocks of four columns take one VLDM per row (1 + 4 cycles for four values where
 * four VLDRs take 8), VMUL then VADD (a product rounded, then the sum: the C's arithmetic). */
static void tb_lstm_dot4_f32(const float *const matrices[TB_LSTM_GATES], size_t row, const float *x, int32_t n,
                             float sums[TB_LSTM_GATES])
{
    const float *w0 = matrices[0] + row;
    const float *w1 = matrices[1] + row;
    const float *w2 = matrices[2] + row;
    const float *w3 = matrices[3] + row;
    float s0 = 0.0f;
    float s1 = 0.0f;
    float s2 = 0.0f;
    float s3 = 0.0f;
    int32_t d = 0;
#if defined(__ARM_FP) && (__ARM_FP & 4) && defined(__thumb2__)
    int32_t blocks = n >> 2;
    if (blocks > 0) {
        d = blocks * 4;
        __asm__ volatile("1:\n\t"
                         "vldmia %[x]!, {s0, s1, s2, s3}\n\t"
                         TB_LSTM_ROW4("%[w0]", "%[s0]", "s4", "s5", "s6", "s7")
                         TB_LSTM_ROW4("%[w1]", "%[s1]", "s8", "s9", "s10", "s11")
                         TB_LSTM_ROW4("%[w2]", "%[s2]", "s4", "s5", "s6", "s7")
                         TB_LSTM_ROW4("%[w3]", "%[s3]", "s8", "s9", "s10", "s11")
                         "subs %[blocks], %[blocks], #1\n\t"
                         "bne 1b\n\t"
                         : [x] "+r"(x), [w0] "+r"(w0), [w1] "+r"(w1), [w2] "+r"(w2), [w3] "+r"(w3),
                           [blocks] "+r"(blocks), [s0] "+t"(s0), [s1] "+t"(s1), [s2] "+t"(s2), [s3] "+t"(s3)
                         :
                         : "s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "cc",
                           "memory");
        x -= d;
        w0 -= d;
        w1 -= d;
        w2 -= d;
        w3 -= d;
    }
#endif
    for (; d < n; d++) {
        const float xd = x[d];
        s0 += xd * w0[d];
        s1 += xd * w1[d];
        s2 += xd * w2[d];
        s3 += xd * w3[d];
    }
    sums[0] = s0;
    sums[1] = s1;
    sums[2] = s2;
    sums[3] = s3;
}

/* tb_clamp_f32(x, -FLT_MAX, FLT_MAX) (TFLM's clamp of a float result with no activation) in one
 * comparison for the usual finite x: infinities become +-FLT_MAX, NaN and the rest pass. */
static inline float tb_lstm_finite_f32(float x)
{
    if (fabsf(x) > FLT_MAX) {
        return x > 0.0f ? FLT_MAX : -FLT_MAX;
    }
    return x;
}

/* Every gate's pre-activation of state unit j: TFLM's input fully connected (sum, then the bias,
 * clamped to [-FLT_MAX, FLT_MAX]) plus its recurrent one (sum plus 0.0f, clamped). */
static void tb_lstm_gates_f32(const tb_lstm_f32_weights_t *weights, int32_t j, int32_t input_size,
                              int32_t state_size, const float *x, const float *h, float gates[TB_LSTM_GATES])
{
    float input_sums[TB_LSTM_GATES];
    float recurrent_sums[TB_LSTM_GATES];
    tb_lstm_dot4_f32(weights->input_weights, (size_t)j * (size_t)input_size, x, input_size, input_sums);
    tb_lstm_dot4_f32(weights->recurrent_weights, (size_t)j * (size_t)state_size, h, state_size, recurrent_sums);
    for (int32_t g = 0; g < TB_LSTM_GATES; g++) {
        gates[g] = tb_lstm_finite_f32(input_sums[g] + weights->bias[g][j]) +
                   tb_lstm_finite_f32(recurrent_sums[g] + 0.0f);
    }
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
    return tb_lstm_finite_f32(a * b);
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
            float gates[TB_LSTM_GATES];
            tb_lstm_gates_f32(weights, j, input_size, state_size, xr, hr, gates);
            const float forget = tb_lstm_sigmoid_f32(gates[TB_LSTM_FORGET_GATE]);
            const float input = tb_lstm_sigmoid_f32(gates[TB_LSTM_INPUT_GATE]);
            const float cell_gate = tb_lstm_tanhf(gates[TB_LSTM_CELL_GATE]);
            float cell = tb_lstm_mul_f32(forget, cr[j]) + tb_lstm_mul_f32(input, cell_gate);
            if (clip > 0.0f) {
                /* std::max(std::min(clip, cell), -clip) */
                const float upper = cell < clip ? cell : clip;
                cell = upper < -clip ? -clip : upper;
            }
            cr[j] = cell;
            const float output = tb_lstm_sigmoid_f32(gates[TB_LSTM_OUTPUT_GATE]);
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
