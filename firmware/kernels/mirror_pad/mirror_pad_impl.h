/* The one MIRROR_PAD loop, instantiated per element width by mirror_pad_x8.c and mirror_pad_x32.c. */
#ifndef TB_MIRROR_PAD_IMPL_H
#define TB_MIRROR_PAD_IMPL_H

#include <stddef.h>

#include "mirror_pad/tb_mirror_pad.h"

#define TB_DEFINE_MIRROR_PAD(name, type)                                                             \
    tb_status_t name(const tb_mirror_pad_params_t *p, const void *input, void *output)               \
    {                                                                                                \
        if (p == NULL || p->offsets == NULL || input == NULL || output == NULL) {                    \
            return TB_ERR_ARG;                                                                       \
        }                                                                                            \
        for (int32_t i = 0; i < TB_MIRROR_PAD_DIMS; i++) {                                           \
            if (p->count[i] < 0) {                                                                   \
                return TB_ERR_ARG;                                                                   \
            }                                                                                        \
        }                                                                                            \
        const int32_t *n = p->count;                                                                 \
        const int32_t *t0 = p->offsets;                                                              \
        const int32_t *t1 = t0 + n[0];                                                               \
        const int32_t *t2 = t1 + n[1];                                                               \
        const int32_t *t3 = t2 + n[2];                                                               \
        const int32_t *t4 = t3 + n[3];                                                               \
        const type *in = (const type *)input;                                                        \
        type *out = (type *)output;                                                                  \
        for (int32_t a = 0; a < n[0]; a++) {                                                         \
            for (int32_t b = 0; b < n[1]; b++) {                                                     \
                const int32_t ab = t0[a] + t1[b];                                                    \
                for (int32_t c = 0; c < n[2]; c++) {                                                 \
                    const int32_t abc = ab + t2[c];                                                  \
                    for (int32_t d = 0; d < n[3]; d++) {                                             \
                        const type *row = in + abc + t3[d];                                          \
                        for (int32_t e = 0; e < n[4]; e++) {                                         \
                            *out++ = row[t4[e]];                                                     \
                        }                                                                            \
                    }                                                                                \
                }                                                                                    \
            }                                                                                        \
        }                                                                                            \
        return TB_OK;                                                                                \
    }

#endif /* TB_MIRROR_PAD_IMPL_H */
