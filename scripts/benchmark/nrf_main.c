/* The GEMM on the bench's own start-up code and linker script (nRF52840). */
#include "gemm.h"

int main(void)
{
    gemm_run();
    bench_done();
    for (;;) {
    }
}
