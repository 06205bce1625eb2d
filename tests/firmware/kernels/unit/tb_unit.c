/* The report of the kernel unit tests (tb_unit.h): plain text, no printf on the device. */
#include "tb_unit.h"

#if defined(TB_UNIT_DEVICE)
#include "uart0.h"
#else
#include <stdio.h>
#endif

typedef struct {
    char *data;
    size_t size;
    size_t used;
} tb_text_t;

static char report_data[2048];
static tb_text_t report = {report_data, sizeof report_data, 0};
static int32_t checks, failures;

/* Appends what fits (the last byte stays for the NUL). */
static void put(tb_text_t *out, const char *text)
{
    for (; *text != '\0' && out->used + 1 < out->size; text++) {
        out->data[out->used++] = *text;
    }
    out->data[out->used] = '\0';
}

static void put_int(tb_text_t *out, int32_t value)
{
    char digits[11];
    int n = 0;
    uint32_t magnitude = value < 0 ? 0u - (uint32_t)value : (uint32_t)value;
    do {
        digits[n++] = (char)('0' + magnitude % 10u);
        magnitude /= 10u;
    } while (magnitude != 0u);
    if (value < 0) {
        digits[n++] = '-';
    }
    char one[2] = {0, 0};
    while (n > 0) {
        one[0] = digits[--n];
        put(out, one);
    }
}

static void fail(const char *what, int32_t index, const char *detail)
{
    failures++;
    put(&report, "FAIL ");
    put(&report, what);
    put(&report, " case ");
    put_int(&report, index);
    put(&report, detail);
}

void tb_unit_begin(void)
{
#if defined(TB_UNIT_DEVICE)
    tb_uart_init();
#endif
    report.used = 0;
    checks = failures = 0;
}

void tb_unit_status(const char *what, int32_t index, tb_status_t status)
{
    checks++;
    if (status != TB_OK) {
        fail(what, index, ": status ");
        put_int(&report, (int32_t)status);
        put(&report, "\n");
    }
}

void tb_unit_equal(const char *what, int32_t index, int32_t got, int32_t expected)
{
    checks++;
    if (got != expected) {
        fail(what, index, ": got ");
        put_int(&report, got);
        put(&report, " expected ");
        put_int(&report, expected);
        put(&report, "\n");
    }
}

void tb_unit_bytes(const char *what, int32_t index, const int8_t *got, const int8_t *expected, size_t n)
{
    checks++;
    for (size_t i = 0; i < n; i++) {
        if (got[i] != expected[i]) {
            fail(what, index, ": element ");
            put_int(&report, (int32_t)i);
            put(&report, " of ");
            put_int(&report, (int32_t)n);
            put(&report, " got ");
            put_int(&report, got[i]);
            put(&report, " expected ");
            put_int(&report, expected[i]);
            put(&report, "\n");
            return;
        }
    }
}

void tb_unit_run(const void *cases, size_t size, int32_t count, int32_t samples, tb_unit_kernel_fn kernel)
{
    static int8_t output[8192];
    for (int32_t k = 0; k < count; k++) {
        const void *c = (const char *)cases + (size_t)k * size;
        const tb_unit_io_t *io = (const tb_unit_io_t *)c;
        tb_unit_equal("output fits the test's buffer", k, io->output_size <= (int32_t)sizeof output, 1);
        if (io->output_size > (int32_t)sizeof output) {
            continue;
        }
        for (int32_t s = 0; s < samples; s++) {
            for (size_t i = 0; i < sizeof output; i++) {
                output[i] = 0x5A;
            }
            const size_t in = (size_t)s * (size_t)io->input_size;
            tb_unit_status("kernel status", k,
                           kernel(c, io->input + in, io->input2 == NULL ? NULL : io->input2 + in, output));
            tb_unit_bytes("output", k, output, io->expected + (size_t)s * (size_t)io->output_size,
                          (size_t)io->output_size);
        }
    }
}

int tb_unit_end(void)
{
    char summary_data[48];
    tb_text_t summary = {summary_data, sizeof summary_data, 0};
    put(&summary, "checks ");
    put_int(&summary, checks);
    put(&summary, " failures ");
    put_int(&summary, failures);
    put(&summary, "\n");
#if defined(TB_UNIT_DEVICE)
    const uint32_t total = (uint32_t)(summary.used + report.used);
    tb_uart_write(&total, sizeof total);
    tb_uart_write(summary.data, summary.used);
    tb_uart_write(report.data, report.used);
    return 0;
#else
    fputs(summary.data, stdout);
    fputs(report.data, stdout);
    return failures != 0;
#endif
}
