/* Compute-heavy benchmark workload: an int8 GEMM with int32 accumulation, the inner loop of
 * quantized FULLY_CONNECTED / CONV_2D kernels. Pure computation: no peripherals until
 * bench_done(), so it runs the same on every emulator. GEMM_REPS sets the length. */
#include <stdint.h>

#include "gemm.h"

#ifndef GEMM_REPS
#error "build with -DGEMM_REPS=n"
#endif

#define GEMM_M 16
#define GEMM_K 64
#define GEMM_N 16

static int8_t gemm_a[GEMM_M][GEMM_K];
static int8_t gemm_b[GEMM_N][GEMM_K]; /* transposed: rows are columns of B */
static int32_t gemm_c[GEMM_M][GEMM_N];
volatile int32_t gemm_checksum;

static void gemm_fill(void)
{
    uint32_t state = 12345u;
    for (int i = 0; i < GEMM_M; i++) {
        for (int k = 0; k < GEMM_K; k++) {
            state = state * 1664525u + 1013904223u;
            gemm_a[i][k] = (int8_t)(state >> 24);
        }
    }
    for (int j = 0; j < GEMM_N; j++) {
        for (int k = 0; k < GEMM_K; k++) {
            state = state * 1664525u + 1013904223u;
            gemm_b[j][k] = (int8_t)(state >> 24);
        }
    }
}

void gemm_run(void)
{
    gemm_fill();
    int32_t checksum = 0;
    for (int rep = 0; rep < GEMM_REPS; rep++) {
        for (int i = 0; i < GEMM_M; i++) {
            for (int j = 0; j < GEMM_N; j++) {
                int32_t acc = rep;
                for (int k = 0; k < GEMM_K; k++) {
                    acc += (int32_t)gemm_a[i][k] * (int32_t)gemm_b[j][k];
                }
                /* Saturate to int8 as a requantizing kernel would (IT blocks). */
                gemm_c[i][j] = acc > 127 ? 127 : (acc < -128 ? -128 : acc);
                checksum += gemm_c[i][j];
            }
        }
    }
    gemm_checksum = checksum;
}

__attribute__((noinline)) void bench_done(void)
{
    __asm__ volatile("" ::: "memory");
}
