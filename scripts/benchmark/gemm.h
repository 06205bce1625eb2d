#ifndef GEMM_H
#define GEMM_H

void gemm_run(void);
/* Reached when the work is done: emulators stop at its address. */
void bench_done(void);

#endif /* GEMM_H */
