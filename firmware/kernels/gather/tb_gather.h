/* GATHER (and EMBEDDING_LOOKUP's same-type case): copy whole slices of the input picked by
 * run-time int32 indices. */
#ifndef TB_GATHER_H
#define TB_GATHER_H

#include <stdint.h>

#include "tb_kernel_types.h"

/* Input viewed as [batches][outer][axis_size][inner_bytes], indices as [batches][coords]; output
 * [batches][outer][coords][inner_bytes] with output slice (b, o, c) = input slice
 * (b, o, indices[b * coords + c]). */
typedef struct {
    int32_t batches;
    int32_t outer;
    int32_t coords;
    int32_t axis_size;
    int32_t inner_bytes;
} tb_gather_params_t;

/* Byte-wise: any element type. TB_ERR_ARG for an index outside 0 .. axis_size - 1 (TFLM's
 * reference reads outside its input then). */
tb_status_t tb_gather_x8(const tb_gather_params_t *params, const void *input, const int32_t *indices,
                         void *output);

#define TB_GATHER_ND_MAX 5

/* GATHER_ND: `slices` index tuples of `nd` int32 values each; tuple i picks the slice starting at
 * sum_j index[i][j] * stride_bytes[j] (bytes) of `slice_bytes`. As TFLM, only the whole slice is
 * checked against the `input_bytes` of the input: TB_ERR_ARG when it leaves them. */
typedef struct {
    int32_t slices;
    int32_t nd;
    int32_t slice_bytes;
    int32_t input_bytes;
    int32_t stride_bytes[TB_GATHER_ND_MAX];
} tb_gather_nd_params_t;

tb_status_t tb_gather_nd_x8(const tb_gather_nd_params_t *params, const void *input, const int32_t *indices,
                            void *output);

/* EMBEDDING_LOOKUP int8 -> float32 (TFLM's hybrid lookup): row ids[i] of the [rows][columns]
 * int8 value table, each element times `scale` (zero point 0). TB_ERR_ARG for an id outside
 * 0 .. rows - 1, as TFLM fails then. */
typedef struct {
    int32_t ids;
    int32_t rows;
    int32_t columns;
    float scale;
} tb_embedding_lookup_params_t;

tb_status_t tb_embedding_lookup_s8_f32(const tb_embedding_lookup_params_t *params, const int8_t *value,
                                       const int32_t *ids, float *output);

#endif /* TB_GATHER_H */
