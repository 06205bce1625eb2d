/* The im2col copy of the optimized int8 CONV_2D (conv2d_s8_dsp.c): one output pixel's receptive
 * field as one row of k_h * k_w * in_c bytes, padding taps filled with the input zero point (whose
 * offset-folded product is zero).
 *
 * Costs that matter on the Cortex-M4 (docs/cycle-model.md): a load or store right after another
 * takes 1 cycle instead of 2, and every taken branch refills the pipeline (2 more). So the dilated
 * taps of a filter row are copied in one loop per pixel size (a 16-byte tap as four loads then
 * four stores) whose trip count is the taps inside the image, not one copy call per tap. */
#ifndef TB_CONV2D_IM2COL_S8_H
#define TB_CONV2D_IM2COL_S8_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "conv2d/tb_conv2d.h"

/* Four words from src to dst (either may be unaligned: the Cortex-M4 allows unaligned LDR/STR). */
__attribute__((always_inline)) static inline void tb_im2col_copy16(int8_t *dst, const int8_t *src)
{
    uint32_t a, b, c, d;
    memcpy(&a, src, 4);
    memcpy(&b, src + 4, 4);
    memcpy(&c, src + 8, 4);
    memcpy(&d, src + 12, 4);
    /* The words pass through an (empty) asm: the loops stay loads and stores, not a memcpy call,
     * with no memory clobber (which would make the compiler reload everything after a copy). */
    __asm__("" : "+r"(a), "+r"(b), "+r"(c), "+r"(d));
    memcpy(dst, &a, 4);
    memcpy(dst + 4, &b, 4);
    memcpy(dst + 8, &c, 4);
    memcpy(dst + 12, &d, 4);
}

/* n bytes from src to dst, a word at a time (unaligned LDR/STR are allowed on the Cortex-M4):
 * the rows here are a few to a few hundred bytes, where a memcpy call costs more than the copy. */
static inline void tb_im2col_copy(int8_t *dst, const int8_t *src, size_t n)
{
    for (; n >= 4; n -= 4, dst += 4, src += 4) {
        uint32_t v;
        memcpy(&v, src, sizeof v);
        memcpy(dst, &v, sizeof v);
    }
    for (; n > 0; n--) {
        *dst++ = *src++;
    }
}

/* n bytes of the pad value (the input zero point, whose offset-folded product is zero). */
static inline void tb_im2col_fill(int8_t *dst, int8_t pad, size_t n)
{
    const uint32_t v = (uint32_t)(uint8_t)pad * 0x01010101u;
    for (; n >= 4; n -= 4, dst += 4) {
        memcpy(dst, &v, sizeof v);
    }
    for (; n > 0; n--) {
        *dst++ = pad;
    }
}

/* `taps` taps of `pixel` bytes each, src advancing by `step` bytes per tap, into consecutive
 * bytes at dst: one loop per pixel size class, so a tap costs its loads and stores and one
 * branch. */
static inline void tb_im2col_taps(int8_t *dst, const int8_t *src, int32_t taps, size_t pixel,
                                  size_t step)
{
    if (taps <= 0) {
        return;
    }
    if (pixel < 4) { /* first: the shortest rows feel the tests most */
        /* A tap goes as one word while 4 bytes or more of taps remain from it: its spill lands on
         * later taps (written after it), and its read stays within a later tap's pixel. */
        const int32_t words = taps - (int32_t)((4 + pixel - 1) / pixel) + 1;
        for (int32_t t = 0; t < words; t++, taps--, dst += pixel, src += step) {
            uint32_t a;
            memcpy(&a, src, 4);
            memcpy(dst, &a, 4);
        }
        for (; taps > 0; taps--, dst += pixel, src += step) { /* a halfword and/or a byte */
            if (pixel & 2u) {
                uint16_t h;
                memcpy(&h, src, sizeof h);
                memcpy(dst, &h, sizeof h);
            }
            if (pixel & 1u) {
                dst[pixel - 1] = src[pixel - 1];
            }
        }
    } else if (pixel == 16) {
        for (; taps > 0; taps--, dst += 16, src += step) {
            tb_im2col_copy16(dst, src);
        }
    } else if (pixel == 8) {
        for (; taps > 0; taps--, dst += 8, src += step) {
            uint32_t a, b;
            memcpy(&a, src, 4);
            memcpy(&b, src + 4, 4);
            memcpy(dst, &a, 4);
            memcpy(dst + 4, &b, 4);
        }
    } else if (pixel == 4) {
        for (; taps > 0; taps--, dst += 4, src += step) {
            uint32_t a;
            memcpy(&a, src, 4);
            memcpy(dst, &a, 4);
        }
    } else {
        for (; taps > 0; taps--, dst += pixel, src += step) {
            tb_im2col_copy(dst, src, pixel);
        }
    }
}

/* The receptive field of the output pixel at (y0, x0) (its top-left tap, may lie in the padding)
 * as one row of k_h * k_w * in_c bytes: per filter row, the taps left of the image, those inside
 * it (one copy without dilation, else tb_im2col_taps) and those right of it; filter rows above or
 * below the image are the pad value. */
static inline void tb_conv2d_im2col_row(const tb_conv_params_t *params, const int8_t *image,
                                        int32_t in_h, int32_t in_w, int32_t in_c, int32_t k_h,
                                        int32_t k_w, int32_t y0, int32_t x0, int8_t *dst)
{
    const int8_t pad = (int8_t)(-params->input_offset);
    const int32_t dw = params->dilation.w;
    const size_t pixel = (size_t)in_c, row_bytes = (size_t)k_w * pixel;
    const size_t image_row = (size_t)in_w * pixel, row_step = (size_t)params->dilation.h * image_row;
    if ((dw == 1 || k_w == 1) && x0 >= 0 && x0 + k_w <= in_w) { /* every column inside: one copy per row */
        const int8_t *src = image + (size_t)x0 * pixel + (size_t)y0 * image_row;
        for (int32_t ky = 0, y = y0; ky < k_h; ky++, y += params->dilation.h, src += row_step) {
            if (y < 0 || y >= in_h) {
                tb_im2col_fill(dst, pad, row_bytes);
            } else {
                tb_im2col_copy(dst, src, row_bytes);
            }
            dst += row_bytes;
        }
        return;
    }
    /* Taps kx0 .. kx1-1 fall inside the image columns. */
    int32_t kx0 = 0, kx1 = k_w;
    while (kx0 < k_w && x0 + kx0 * dw < 0) {
        kx0++;
    }
    while (kx1 > kx0 && x0 + (kx1 - 1) * dw >= in_w) {
        kx1--;
    }
    if (kx0 == 0 && kx1 == k_w && y0 >= 0 && y0 + (k_h - 1) * params->dilation.h < in_h) {
        /* Dilated along the width, every tap inside: no padding tests per filter row. */
        const int8_t *src = image + (size_t)y0 * image_row + (size_t)x0 * pixel;
        for (int32_t ky = 0; ky < k_h; ky++, dst += row_bytes, src += row_step) {
            tb_im2col_taps(dst, src, k_w, pixel, (size_t)dw * pixel);
        }
        return;
    }
    for (int32_t ky = 0; ky < k_h; ky++, dst += row_bytes) {
        const int32_t y = y0 + ky * params->dilation.h;
        if (y < 0 || y >= in_h || kx0 >= kx1) {
            tb_im2col_fill(dst, pad, row_bytes);
            continue;
        }
        const int8_t *src = image + ((size_t)y * (size_t)in_w + (size_t)(x0 + kx0 * dw)) * pixel;
        tb_im2col_fill(dst, pad, (size_t)kx0 * pixel);
        if (dw == 1) {
            tb_im2col_copy(dst + (size_t)kx0 * pixel, src, (size_t)(kx1 - kx0) * pixel);
        } else {
            tb_im2col_taps(dst + (size_t)kx0 * pixel, src, kx1 - kx0, pixel, (size_t)dw * pixel);
        }
        tb_im2col_fill(dst + (size_t)kx1 * pixel, pad, (size_t)(k_w - kx1) * pixel);
    }
}

#endif /* TB_CONV2D_IM2COL_S8_H */
