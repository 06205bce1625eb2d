/* The walk over a sequence shared by the reference LSTM kernels (float32, 8x8->16, 16x8): one
 * step call per time step, over every batch row at once when the input is time-major, else one
 * row's whole sequence after another (TFLM's order in both layouts). `step` is the kernel's
 * tb_lstm_step_<type>(params, weights, rows, n_in, n_state, input, hidden, cell, output). */
#ifndef TB_LSTM_SEQUENCE_H
#define TB_LSTM_SEQUENCE_H

#include <stddef.h>

#define TB_LSTM_RUN_SEQUENCE(step, params, weights, dims, input, hidden_state, cell_state, output)                 \
    do {                                                                                                           \
        const size_t tb_n_in = (size_t)(dims)->input_size;                                                          \
        const size_t tb_n_state = (size_t)(dims)->state_size;                                                       \
        if ((dims)->time_major) {                                                                                  \
            const size_t tb_rows = (size_t)(dims)->batches;                                                        \
            for (int32_t tb_t = 0; tb_t < (dims)->time_steps; tb_t++) {                                            \
                step((params), (weights), (dims)->batches, (dims)->input_size, (dims)->state_size,                 \
                     (input) + (size_t)tb_t * tb_rows * tb_n_in, (hidden_state), (cell_state),                     \
                     (output) + (size_t)tb_t * tb_rows * tb_n_state);                                              \
            }                                                                                                      \
        } else {                                                                                                   \
            for (int32_t tb_b = 0; tb_b < (dims)->batches; tb_b++) {                                               \
                for (int32_t tb_t = 0; tb_t < (dims)->time_steps; tb_t++) {                                        \
                    const size_t tb_step = (size_t)tb_b * (size_t)(dims)->time_steps + (size_t)tb_t;               \
                    step((params), (weights), 1, (dims)->input_size, (dims)->state_size,                           \
                         (input) + tb_step * tb_n_in, (hidden_state) + (size_t)tb_b * tb_n_state,                  \
                         (cell_state) + (size_t)tb_b * tb_n_state, (output) + tb_step * tb_n_state);               \
                }                                                                                                  \
            }                                                                                                      \
        }                                                                                                          \
    } while (0)

#endif /* TB_LSTM_SEQUENCE_H */
