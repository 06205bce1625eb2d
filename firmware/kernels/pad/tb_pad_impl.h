/* The one PAD loop, instantiated per element width by pad_x8.c, pad_x16.c and pad_x32.c. */
#ifndef TB_PAD_IMPL_H
#define TB_PAD_IMPL_H

#include <stddef.h>
#include <string.h>

#include "pad/tb_pad.h"

#define TB_DEFINE_PAD(name, type)                                                                    \
    tb_status_t name(const tb_pad_params_t *p, type pad_value, const void *input, void *output)      \
    {                                                                                                \
        if (p == NULL || input == NULL || output == NULL) {                                          \
            return TB_ERR_ARG;                                                                       \
        }                                                                                            \
        for (int32_t i = 0; i < TB_PAD_DIMS; i++) {                                                  \
            if (p->left[i] < 0 || p->input_dims[i] < 0 || p->left[i] + p->input_dims[i] > p->output_dims[i]) { \
                return TB_ERR_ARG;                                                                   \
            }                                                                                        \
        }                                                                                            \
        const type *in = (const type *)input;                                                        \
        type *out = (type *)output;                                                                  \
        const int32_t *od = p->output_dims;                                                          \
        const int32_t *l = p->left;                                                                  \
        const int32_t *id = p->input_dims;                                                           \
        const int32_t depth = od[4];                                                                 \
        const int32_t left_d = l[4];                                                                 \
        const int32_t right_d = depth - left_d - id[4];                                              \
        for (int32_t b = 0; b < od[0]; b++) {                                                        \
            const int b_pad = b < l[0] || b >= l[0] + id[0];                                          \
            for (int32_t q = 0; q < od[1]; q++) {                                                    \
                const int q_pad = b_pad || q < l[1] || q >= l[1] + id[1];                             \
                for (int32_t h = 0; h < od[2]; h++) {                                                \
                    const int h_pad = q_pad || h < l[2] || h >= l[2] + id[2];                         \
                    for (int32_t w = 0; w < od[3]; w++) {                                            \
                        if (h_pad || w < l[3] || w >= l[3] + id[3]) {                                 \
                            for (int32_t d = 0; d < depth; d++) {                                    \
                                *out++ = pad_value;                                                  \
                            }                                                                        \
                            continue;                                                                \
                        }                                                                            \
                        for (int32_t d = 0; d < left_d; d++) {                                       \
                            *out++ = pad_value;                                                      \
                        }                                                                            \
                        memcpy(out, in, (size_t)id[4] * sizeof(type));                              \
                        out += id[4];                                                                \
                        in += id[4];                                                                 \
                        for (int32_t d = 0; d < right_d; d++) {                                      \
                            *out++ = pad_value;                                                      \
                        }                                                                            \
                    }                                                                                \
                }                                                                                    \
            }                                                                                        \
        }                                                                                            \
        return TB_OK;                                                                                \
    }

#endif /* TB_PAD_IMPL_H */
