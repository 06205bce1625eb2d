/* Types shared by every kernel: status codes, shapes and quantization parameters. */
#ifndef TB_KERNEL_TYPES_H
#define TB_KERNEL_TYPES_H

#include <stdint.h>

typedef enum {
    TB_OK = 0,
    TB_ERR_ARG = 1,      /* a parameter the kernel cannot handle */
    TB_ERR_NO_IMPL = 2,  /* a valid case this kernel does not implement */
} tb_status_t;

/* NHWC shape; for 2-D tensors n = batches and c = features, h = w = 1. */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} tb_dims_t;

/* Clamp range after the output offset, in the output's quantized domain. */
typedef struct {
    int32_t min;
    int32_t max;
} tb_activation_t;

typedef struct {
    int32_t multiplier; /* Q31 fixed-point */
    int32_t shift;      /* > 0 shifts left */
} tb_quant_t;

/* One multiplier and shift per output channel. */
typedef struct {
    const int32_t *multiplier;
    const int32_t *shift;
} tb_per_channel_quant_t;

/* Affine (de)quantization of one tensor: real = scale * (q - zero_point). */
typedef struct {
    float scale;
    int32_t zero_point;
} tb_affine_params_t;

#endif /* TB_KERNEL_TYPES_H */
