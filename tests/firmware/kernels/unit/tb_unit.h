/* The kernel unit tests' checks (tests/firmware/kernels/unit/test_*.c, in the CMSIS-NN style: a
 * kernel called on cases whose inputs and expected outputs come from host TFLM).
 *
 * Every check is counted; a failed one adds a line to the report. tb_unit_end prints the report
 * on the host (exit status 1 on a failure) or, on the emulated device (TB_UNIT_DEVICE), sends it
 * over UART0 as a 4-byte little-endian length and the text. The report's first line is
 * "checks <n> failures <f>". */
#ifndef TB_UNIT_H
#define TB_UNIT_H

#include <stddef.h>
#include <stdint.h>

#include "tb_kernel_types.h"

/* One case's data, the first member of every test's case struct: `samples` inputs (two for a
 * binary op, else input2 NULL) and expected outputs, each sample after the one before. */
typedef struct {
    const int8_t *input;
    const int8_t *input2;
    const int8_t *expected;
    int32_t input_size;
    int32_t output_size;
} tb_unit_io_t;

/* Calls the kernel on one sample of case `c` (the test's case struct) into `output`. */
typedef tb_status_t (*tb_unit_kernel_fn)(const void *c, const int8_t *input, const int8_t *input2,
                                         int8_t *output);

void tb_unit_begin(void);

/* Every sample of `count` cases (`size` bytes apart, tb_unit_io_t first): the kernel's status
 * and its whole output (the buffer is filled with a marker first, so unwritten bytes show). */
void tb_unit_run(const void *cases, size_t size, int32_t count, int32_t samples, tb_unit_kernel_fn kernel);

/* `what` names the check, `index` the case (or table row). */
void tb_unit_status(const char *what, int32_t index, tb_status_t status);
void tb_unit_equal(const char *what, int32_t index, int32_t got, int32_t expected);
/* n int8 outputs against the expected ones; reports the first difference. */
void tb_unit_bytes(const char *what, int32_t index, const int8_t *got, const int8_t *expected, size_t n);

int tb_unit_end(void);

/* A kernel test's main: every case of its tb_unit_cases.h through `kernel`. */
#define TB_UNIT_MAIN(kernel)                                                                  \
    int main(void)                                                                            \
    {                                                                                         \
        tb_unit_begin();                                                                      \
        tb_unit_run(tb_unit_cases, sizeof tb_unit_cases[0], TB_UNIT_CASES, TB_UNIT_SAMPLES, kernel); \
        return tb_unit_end();                                                                 \
    }

#endif /* TB_UNIT_H */
