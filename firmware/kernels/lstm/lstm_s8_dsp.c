/* tb_unidirectional_sequence_lstm_s8_dsp (tb_lstm_dsp.h): the int8 LSTM with int16 weights read by
 * the DSP GEMM's 4-channel dot product (common/tb_dsp_gemm.h), the zero points folded into the
 * biases, the requantizations in the folded SMMLAR form, and the sigmoid and tanh read from one
 * table word per segment.
 *
 * Per step and batch row, per block of 4 state units: the 4 gates' 8 dot products (input and
 * recurrent part of each gate, 4 units each), each part rescaled to int16 Q3.12 and the two
 * added with int16 saturation as TFLM's AddElementWise; then each unit's gates, cell and hidden
 * value, in TFLM's arithmetic (see tb_lstm.h and unidirectional_sequence_lstm_s8.c). */
#include <stddef.h>
#include <string.h>

#include "common/tb_dsp_gemm.h"
#include "common/tb_isa.h"
#include "activations/tb_sigmoid_s16.h"
#include "lstm/tb_lstm_dsp.h"


/* x saturated to int16 (SSAT #16). */
TB_ALWAYS_INLINE int32_t tb_lstm_ssat16(int32_t x)
{
#if defined(__ARM_FEATURE_DSP)
    return __ssat(x, 16);
#else
    return x < -32768 ? -32768 : (x > 32767 ? 32767 : x);
#endif
}

/* The interpolation of a table segment minus 2^16 x unit: (top - 65536) x unit + frac x slope
 * (SMULTB + SMLABB: the top halfword, at least 32768, reads as top - 65536). */
TB_ALWAYS_INLINE int32_t tb_lstm_interpolate(uint32_t word, uint32_t frac, int32_t unit)
{
#if defined(__ARM_FEATURE_DSP)
    int32_t top;
    __asm__("smultb %0, %1, %2" : "=r"(top) : "r"(word), "r"(unit));
    return __smlabb((int32_t)frac, (int32_t)word, top);
#else
    return ((int32_t)(word >> 16) - 65536) * unit + (int32_t)frac * (int32_t)(word & 0xFFFFu);
#endif
}

/* |v| (v > INT32_MIN). */
TB_ALWAYS_INLINE uint32_t tb_lstm_magnitude(int32_t v, int32_t sign)
{
    return (uint32_t)((v ^ sign) - sign);
}

/* TFLM's sigmoid of v = 3x: segment |v| >> 9, 9 fraction bits; a negative v mirrors
 * (2^25 - r + 511, with r the interpolation). Here r' = r - 2^25, so the result is
 * (r' + 2^25 + 512) >> 10 or (~r' + 512) >> 10. */
TB_ALWAYS_INLINE int32_t tb_lstm_sigmoid3(int32_t x)
{
    const int32_t v = x * 3;
    const int32_t sign = v >> 31;
    const uint32_t m = tb_lstm_magnitude(v, sign);
    const int32_t r = tb_lstm_interpolate(tb_sigmoid_table_packed_u32[m >> 9], m & 0x1FFu, 512);
    return ((r ^ sign) + ((1 << 25) + 512) - (sign & (1 << 25))) >> 10;
}

/* TFLM's tanh of an already rescaled v: segment |v| >> 8 (255 and above saturate), 8 fraction
 * bits; r' = r - 2^24, so the result is (r' + 2^23 + 128) >> 8 or (~r' - 2^23 + 128) >> 8. */
TB_ALWAYS_INLINE int32_t tb_lstm_tanh_rescaled(int32_t v)
{
    const int32_t sign = v >> 31;
    const uint32_t m = tb_lstm_magnitude(v, sign);
    uint32_t segment = m >> 8;
    segment = segment > 255u ? 255u : segment;
    const int32_t r = tb_lstm_interpolate(tb_sigmoid_table_packed_u32[segment], m & 0xFFu, 256);
    return ((r ^ sign) + ((1 << 23) + 128) - (sign & (1 << 24))) >> 8;
}

/* The cell tanh's input rescaling, as TFLM's int16 tanh (int32 arithmetic, wrapping). */
TB_ALWAYS_INLINE int32_t tb_lstm_tanh_input(int32_t x, int32_t multiplier, int32_t round, int32_t shift)
{
    return (int32_t)((uint32_t)x * (uint32_t)multiplier + (uint32_t)round) >> shift;
}

int32_t tb_lstm_dsp_sigmoid(int32_t x)
{
    return tb_lstm_sigmoid3(x);
}

int32_t tb_lstm_dsp_tanh(int32_t x, int32_t multiplier, int32_t shift)
{
    const int32_t round = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    return tb_lstm_tanh_rescaled(tb_lstm_tanh_input(x, multiplier, round, shift));
}

/* A doubled accumulator or product rescaled in the folded form (tb_lstm_dsp.h), not saturated. */
TB_ALWAYS_INLINE int32_t tb_lstm_dsp_rescale(int32_t acc2, const tb_lstm_dsp_rescale_t *q)
{
    return tb_smmlar(acc2, q->multiplier, q->round + ((acc2 >> 31) & q->sign)) >> q->shift;
}

/* A block's gate pre-activation in Q3.12: both parts saturated to int16, then their saturated sum. */
TB_ALWAYS_INLINE int32_t tb_lstm_dsp_gate(int32_t a, int32_t b, const tb_lstm_dsp_rescale_t *qa,
                                          const tb_lstm_dsp_rescale_t *qb)
{
    return tb_lstm_ssat16(tb_lstm_ssat16(tb_lstm_dsp_rescale(a, qa)) + tb_lstm_ssat16(tb_lstm_dsp_rescale(b, qb)));
}

/* Whether every hidden value is the zero point (the state TFLM starts from, and any reset): then
 * every recurrent accumulator is exactly 0 (the folded bias cancels the weights' sum), and so is
 * its rescaled value (0 + round >> shift, round < 2^shift), so the recurrent products are skipped. */
static int tb_lstm_dsp_at_zero_point(const int8_t *h, int32_t n, int32_t zero_point)
{
    const uint32_t zp4 = (uint32_t)(uint8_t)zero_point * 0x01010101u;
    int32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        uint32_t word;
        memcpy(&word, h + i, sizeof word);
        if (word != zp4) {
            return 0;
        }
    }
    for (; i < n; i++) {
        if (h[i] != zero_point) {
            return 0;
        }
    }
    return 1;
}

/* One time step of one batch row: x its input, h its hidden state (read), c its cell state
 * (updated), out where its new hidden state goes. */
static void tb_lstm_dsp_row(const tb_lstm_s8_dsp_params_t *p, int32_t n_in, int32_t n_state, const int8_t *x,
                            const int8_t *h, int16_t *c, int8_t *out)
{
    const int16_t *w = p->weights;
    const int32_t *bias = p->bias;
    const int32_t clip = p->cell_clip, hidden_zp = p->hidden_zero_point;
    const int32_t tanh_multiplier = p->tanh_multiplier, tanh_shift = p->tanh_shift;
    const int32_t tanh_round = tanh_shift > 0 ? (int32_t)1 << (tanh_shift - 1) : 0;
    /* Copies: the int8 stores to `out` may alias anything, which would reload them per unit. */
    const tb_lstm_dsp_rescale_t forget_cell = p->forget_cell, input_cell = p->input_cell, hidden = p->hidden;
    const int skip_recurrent = tb_lstm_dsp_at_zero_point(h, n_state, hidden_zp);
    const size_t recurrent_weights = (size_t)((n_state + 3) / 4) * 16u; /* per gate and block */
    for (int32_t j = 0; j < n_state; j += 4) {
        int32_t gate[TB_LSTM_GATES][4];
        for (int32_t g = 0; g < TB_LSTM_GATES; g++) {
            int32_t a[4] = {bias[0], bias[1], bias[2], bias[3]};
            int32_t b[4] = {bias[4], bias[5], bias[6], bias[7]};
            bias += 8;
            w = tb_dsp_dot4(x, w, n_in, a);
            const tb_lstm_dsp_rescale_t *qa = &p->input_rescale[g], *qb = &p->recurrent_rescale[g];
            if (skip_recurrent) {
                w += recurrent_weights;
                gate[g][0] = tb_lstm_ssat16(tb_lstm_dsp_rescale(a[0], qa));
                gate[g][1] = tb_lstm_ssat16(tb_lstm_dsp_rescale(a[1], qa));
                gate[g][2] = tb_lstm_ssat16(tb_lstm_dsp_rescale(a[2], qa));
                gate[g][3] = tb_lstm_ssat16(tb_lstm_dsp_rescale(a[3], qa));
                continue;
            }
            w = tb_dsp_dot4(h, w, n_state, b);
            gate[g][0] = tb_lstm_dsp_gate(a[0], b[0], qa, qb);
            gate[g][1] = tb_lstm_dsp_gate(a[1], b[1], qa, qb);
            gate[g][2] = tb_lstm_dsp_gate(a[2], b[2], qa, qb);
            gate[g][3] = tb_lstm_dsp_gate(a[3], b[3], qa, qb);
        }
        const int32_t count = n_state - j < 4 ? n_state - j : 4;
        for (int32_t k = 0; k < count; k++) {
            const int32_t forget = tb_lstm_sigmoid3(gate[TB_LSTM_FORGET_GATE][k]);
            const int32_t input = tb_lstm_sigmoid3(gate[TB_LSTM_INPUT_GATE][k]);
            const int32_t cell_gate = tb_lstm_tanh_rescaled(gate[TB_LSTM_CELL_GATE][k] * 3);
            const int32_t output = tb_lstm_sigmoid3(gate[TB_LSTM_OUTPUT_GATE][k]);
            const int32_t kept = tb_lstm_ssat16(tb_lstm_dsp_rescale(2 * forget * c[j + k], &forget_cell));
            const int32_t added = tb_lstm_ssat16(tb_lstm_dsp_rescale(2 * input * cell_gate, &input_cell));
            int32_t cell = tb_lstm_ssat16(kept + added);
            if (clip > 0) {
                cell = cell < -clip ? -clip : (cell > clip ? clip : cell);
            }
            c[j + k] = (int16_t)cell;
            const int32_t squashed =
                tb_lstm_tanh_rescaled(tb_lstm_tanh_input(cell, tanh_multiplier, tanh_round, tanh_shift));
            out[j + k] = (int8_t)tb_ssat8(tb_lstm_dsp_rescale(2 * squashed * output, &hidden) + hidden_zp);
        }
    }
}

tb_status_t tb_unidirectional_sequence_lstm_s8_dsp(const tb_lstm_s8_dsp_params_t *params,
                                                   const tb_lstm_dims_t *dims,
                                                   const int8_t *input,
                                                   int8_t *hidden_state,
                                                   int16_t *cell_state,
                                                   int8_t *output)
{
    if (params == NULL || dims == NULL || input == NULL || hidden_state == NULL || cell_state == NULL ||
        output == NULL || params->weights == NULL || params->bias == NULL) {
        return TB_ERR_ARG;
    }
    if (dims->batches < 0 || dims->time_steps < 0 || dims->input_size < 0 || dims->state_size < 0 ||
        params->cell_clip < 0 || params->tanh_shift < 0 || params->tanh_shift > 30) {
        return TB_ERR_ARG;
    }
    const int32_t n_in = dims->input_size;
    const int32_t n_state = dims->state_size;
    const size_t state = (size_t)n_state;
    if (dims->time_major) {
        const size_t in_step = (size_t)dims->batches * (size_t)n_in;
        const size_t out_step = (size_t)dims->batches * state;
        for (int32_t t = 0; t < dims->time_steps; t++) {
            const int8_t *x = input + (size_t)t * in_step;
            int8_t *out = output + (size_t)t * out_step;
            for (int32_t r = 0; r < dims->batches; r++) {
                tb_lstm_dsp_row(params, n_in, n_state, x + (size_t)r * (size_t)n_in, hidden_state + (size_t)r * state,
                                cell_state + (size_t)r * state, out + (size_t)r * state);
            }
            tb_barrier(); /* the dot products' asm reads the hidden state without a memory operand */
            memcpy(hidden_state, out, out_step);
            tb_barrier();
        }
        return TB_OK;
    }
    for (int32_t b = 0; b < dims->batches; b++) {
        int8_t *h = hidden_state + (size_t)b * state;
        int16_t *c = cell_state + (size_t)b * state;
        for (int32_t t = 0; t < dims->time_steps; t++) {
            const size_t step = (size_t)b * (size_t)dims->time_steps + (size_t)t;
            int8_t *out = output + step * state;
            tb_lstm_dsp_row(params, n_in, n_state, input + step * (size_t)n_in, h, c, out);
            tb_barrier();
            memcpy(h, out, state);
            tb_barrier();
        }
    }
    return TB_OK;
}
