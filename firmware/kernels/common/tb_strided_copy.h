/* A 5-D strided gather shared by TRANSPOSE and STRIDED_SLICE.
 *
 * The generator folds each operator into `count` (output extent per axis, outermost first,
 * shapes extended to 5-D with leading 1s), `step` (input elements to advance per output
 * step on that axis, possibly negative) and `base` (input element of the first output
 * element). The output is written densely in row-major order.
 */
#ifndef TB_STRIDED_COPY_H
#define TB_STRIDED_COPY_H

#include <stdint.h>

#define TB_COPY_DIMS 5

typedef struct {
    int32_t count[TB_COPY_DIMS];
    int32_t step[TB_COPY_DIMS];
    int32_t base;
} tb_strided_copy_t;

#define TB_DEFINE_STRIDED_COPY(name, type)                                                    \
    static inline void name(const tb_strided_copy_t *p, const type *input, type *output)      \
    {                                                                                         \
        const int32_t *n = p->count;                                                          \
        const int32_t *s = p->step;                                                           \
        for (int32_t i0 = 0, o0 = p->base; i0 < n[0]; i0++, o0 += s[0]) {                     \
            for (int32_t i1 = 0, o1 = o0; i1 < n[1]; i1++, o1 += s[1]) {                      \
                for (int32_t i2 = 0, o2 = o1; i2 < n[2]; i2++, o2 += s[2]) {                  \
                    for (int32_t i3 = 0, o3 = o2; i3 < n[3]; i3++, o3 += s[3]) {              \
                        const type *src = input + o3;                                         \
                        for (int32_t i4 = 0; i4 < n[4]; i4++) {                               \
                            *output++ = *src;                                                 \
                            src += s[4];                                                      \
                        }                                                                     \
                    }                                                                         \
                }                                                                             \
            }                                                                                 \
        }                                                                                     \
    }

#endif /* TB_STRIDED_COPY_H */
