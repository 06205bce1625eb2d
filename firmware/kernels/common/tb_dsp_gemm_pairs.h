/* The pixel-pair GEMM of the optimized int8 CONV_2D (im2col form): two receptive fields at a
 * time against groups of 4 output channels, each weight word used for both pixels.
 *
 * Why: the one-row GEMM (tb_dsp_gemm.h) loads a weight word for every SMLAD (8 words, one input
 * word and two SXTB16 per 16 MACs: ~21 estimated cycles). Sharing each weight word between two
 * pixels halves the weight loads per MAC, and taking the inputs already widened to int16 pairs
 * drops the SXTB16: 16 cycles per 16 MACs. The 8 accumulators, 2 input pairs and 2 weight words
 * take every free register, so the two pixels' inputs must come from one pointer: the im2col
 * step writes them interleaved (below).
 *
 * Input layout ("pair rows", 16 bytes per quad k0..k3 of the receptive field, built by the
 * kernel from int8): word 0 = pixel 0's SXTB16 pair (k0, k2), word 1 = pixel 1's (k0, k2),
 * word 2 = pixel 0's (k1, k3), word 3 = pixel 1's (k1, k3); the same pairs the one-row GEMM
 * forms in registers, so the weights are tb_dsp_gemm.h's layout unchanged (per group of 4
 * channels, per quad, 4 channels x words (k0, k2), (k1, k3)).
 */
#ifndef TB_DSP_GEMM_PAIRS_H
#define TB_DSP_GEMM_PAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "common/tb_isa.h"
#include "common/tb_requant.h"

/* Bytes of a pair row per quad of the receptive field. */
#define TB_PAIR_QUAD_BYTES 16

/* One call: a pixel pair against every full group of 4 channels, packed constants (TB_RQ4_*),
 * each group requantized, clamped and stored as one word per pixel. Field offsets are fixed:
 * the routine is hand-written. */
typedef struct {
    const uint32_t *x;     /*  0: the pair rows (quads x 16 bytes) */
    const int16_t *w;      /*  4: weights of the full groups */
    const int32_t *packed; /*  8: tb_dsp_requant_t.packed */
    int8_t *out;           /* 12: pixel 0's first output */
    int32_t out_delta;     /* 16: pixel 1's outputs minus pixel 0's (0: a lone pixel, stored twice) */
    int32_t quads;         /* 20: receptive field / 4, >= 1 */
    int32_t groups;        /* 24: full groups, >= 1 */
    uint32_t lo4;          /* 28: activation minimum in every byte */
    uint32_t hi4;          /* 32: activation maximum in every byte */
} tb_dsp_pair_job_t;

void tb_dsp_gemm_pair_s8(const tb_dsp_pair_job_t *job);

/* Quad q's four words of the pair rows at x. */
TB_ALWAYS_INLINE void tb_pair_quad(const uint32_t *x, int32_t q, uint32_t *p0a, uint32_t *p1a, uint32_t *p0b,
                                   uint32_t *p1b)
{
    const uint32_t *v = x + (size_t)q * 4;
    *p0a = v[0];
    *p1a = v[1];
    *p0b = v[2];
    *p1b = v[3];
}

/* Lane l (0..3) of a group: both pixels' dot products over `quads` quads, from the bias b.
 * wg: the group's weights. */
static inline void tb_pair_dot_lane(const uint32_t *x, const int16_t *wg, int32_t lane, int32_t quads, int32_t b,
                                    int32_t *acc0, int32_t *acc1)
{
    int32_t s0 = b, s1 = b;
    const int16_t *w = wg + 4 * lane;
    for (int32_t q = 0; q < quads; q++, w += 16) {
        uint32_t p0a, p1a, p0b, p1b, wa, wb;
        tb_pair_quad(x, q, &p0a, &p1a, &p0b, &p1b);
        tb_read_w2(w, &wa, &wb);
        s0 = tb_smlad(p0b, wb, tb_smlad(p0a, wa, s0));
        s1 = tb_smlad(p1b, wb, tb_smlad(p1a, wa, s1));
    }
    *acc0 = s0;
    *acc1 = s1;
}

#endif /* TB_DSP_GEMM_PAIRS_H */
