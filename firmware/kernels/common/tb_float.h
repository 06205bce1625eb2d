/* Float32 helpers shared by the float kernels. */
#ifndef TB_FLOAT_H
#define TB_FLOAT_H

/* Fused activation of a float kernel: outputs are clamped to [min, max]. No activation is
 * [-FLT_MAX, FLT_MAX]; RELU [0, FLT_MAX]; RELU6 [0, 6]; RELU_N1_TO_1 [-1, 1]. */
typedef struct {
    float min;
    float max;
} tb_activation_f32_t;

/* TFLM's ActivationFunctionWithMinMax: min(max(x, lo), hi) with std::max/std::min semantics
 * (a NaN input passes through unchanged). */
static inline float tb_clamp_f32(float x, float lo, float hi)
{
    const float above = x < lo ? lo : x;
    return hi < above ? hi : above;
}

#endif /* TB_FLOAT_H */
