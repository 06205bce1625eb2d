/* MLPerf Tiny mode: the MLCommons/EEMBC runner's text protocol on uart0, in place of the
 * bench protocol (built with TB_PROTOCOL=mlperf; docs/mlperf.md).
 *
 * Commands end in '%' and split on spaces; every reply line ends in CR LF and every command
 * ends with "m-ready". `db` loads the raw bytes of the model's input tensors (in order) into
 * a buffer of their size; `infer N W` copies it into the inputs before each inference, since
 * the arena may reuse input memory once its last reader has run.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dwt.h"
#include "mlperf_format.h"
#include "tb_board_facts.h" /* TB_CORE_CLOCK_HZ, written by the build from the board */
#include "tb_runtime.h"
#include "uart0.h"

#ifndef TB_MLPERF_MODEL
#define TB_MLPERF_MODEL "ic01" /* the generator always passes one (generator/mlperf.py) */
#endif
#ifndef TB_MLPERF_BUFFER_BYTES
#define TB_MLPERF_BUFFER_BYTES (96u * 96u * 3u) /* the runner's largest input */
#endif

#define TB_MLPERF_CMD_SIZE 80u
#define TB_MLPERF_MAX_TOKENS 4u
#define TB_MLPERF_DEFAULT_WARMUP 10u
#define TB_MLPERF_CYCLES_PER_US (TB_CORE_CLOCK_HZ / 1000000u) /* the DWT counts core cycles */
#define TB_MLPERF_PRINT_PER_LINE 8u

static uint8_t s_buffer[TB_MLPERF_BUFFER_BYTES];
static uint32_t s_expected; /* bytes announced by `db load`, 0 before the first */
static uint32_t s_loaded;
static bool s_have_results;

/* CYCCNT wraps after 2^32 counts (67 s at 64 MHz); every read folds it into 64 bits, and
 * the shell reads it at least once per inference. */
static uint64_t s_cycles;
static uint32_t s_last_cyccnt;

static uint64_t tb_clock_cycles(void)
{
    const uint32_t now = tb_dwt_cycles();
    s_cycles += (uint32_t)(now - s_last_cyccnt);
    s_last_cyccnt = now;
    return s_cycles;
}

static void tb_puts(const char *text)
{
    tb_uart_write(text, strlen(text));
}

static void tb_end_line(void)
{
    tb_puts("\r\n");
}

static void tb_line(const char *text)
{
    tb_puts(text);
    tb_end_line();
}

static void tb_put_u32(uint32_t value)
{
    char digits[11];
    tb_uart_write(digits, tb_format_u32(value, digits));
}

static void tb_print_lap(uint64_t cycles)
{
    tb_puts("m-lap-us-");
    tb_put_u32((uint32_t)(cycles / TB_MLPERF_CYCLES_PER_US));
    tb_end_line();
}

static void tb_timestamp(void)
{
    tb_print_lap(tb_clock_cycles());
}

/* A decimal of at most 9 digits (no sign); false for anything else. */
static bool tb_parse_u32(const char *text, uint32_t *value)
{
    const size_t len = strlen(text);
    if (len == 0u || len > 9u) {
        return false;
    }
    uint32_t result = 0u;
    for (size_t i = 0u; i < len; i++) {
        if (text[i] < '0' || text[i] > '9') {
            return false;
        }
        result = result * 10u + (uint32_t)(text[i] - '0');
    }
    *value = result;
    return true;
}

static int tb_hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

static uint32_t tb_input_bytes(const tb_model_info_t *info)
{
    uint32_t total = 0u;
    for (uint8_t i = 0u; i < info->n_inputs; i++) {
        total += info->inputs[i].bytes;
    }
    return total;
}

static void tb_error(const char *text)
{
    tb_puts("e-[");
    tb_puts(text);
    tb_line("]");
}

static void tb_error_u32(const char *before, uint32_t value, const char *after)
{
    tb_puts("e-[");
    tb_puts(before);
    tb_put_u32(value);
    tb_puts(after);
    tb_line("]");
}

static void tb_db_load(const char *count)
{
    uint32_t bytes = 0u;
    if (count == NULL) {
        tb_error("Command 'db load' requires the # of bytes");
    } else if (!tb_parse_u32(count, &bytes) || bytes == 0u) {
        tb_error("Command 'db load' must be >0 bytes");
    } else if (bytes > sizeof s_buffer) {
        tb_error_u32("Supplied buffer size exceeds maximum of ", (uint32_t)sizeof s_buffer, " bytes");
    } else {
        s_expected = bytes;
        s_loaded = 0u;
        tb_puts("m-[Expecting ");
        tb_put_u32(bytes);
        tb_line(" bytes]");
    }
}

static void tb_db_print(void)
{
    for (uint32_t i = 0u; i < s_loaded; i++) {
        static const char hex[] = "0123456789abcdef";
        if (i % TB_MLPERF_PRINT_PER_LINE == 0u) {
            tb_puts("m-buffer-");
        }
        tb_uart_putc((uint8_t)hex[s_buffer[i] >> 4]);
        tb_uart_putc((uint8_t)hex[s_buffer[i] & 0xFu]);
        const bool last = (i + 1u) % TB_MLPERF_PRINT_PER_LINE == 0u || i + 1u == s_loaded;
        tb_puts(last ? "\r\n" : "-");
    }
}

/* Appends hex bytes; the whole token is checked first, so a bad one loads nothing. */
static void tb_db_append(const char *hex)
{
    const size_t digits = strlen(hex);
    if (s_expected == 0u) {
        tb_error("Command 'db load N' must come before 'db' data");
        return;
    }
    if (s_loaded == s_expected) {
        tb_error("Buffer already full: send 'db load N' to load again");
        return;
    }
    if (digits % 2u != 0u) {
        tb_error("Odd number of hex digits");
        return;
    }
    for (size_t i = 0u; i < digits; i++) {
        if (tb_hex_digit(hex[i]) < 0) {
            tb_error("Invalid hex digit");
            return;
        }
    }
    for (size_t i = 0u; i < digits && s_loaded < s_expected; i += 2u) {
        s_buffer[s_loaded++] = (uint8_t)((tb_hex_digit(hex[i]) << 4) | tb_hex_digit(hex[i + 1u]));
    }
    if (s_loaded == s_expected) {
        tb_line("m-load-done"); /* digits past the announced size are dropped, as the runner expects */
    }
}

static void tb_cmd_db(const char *const *tokens, size_t count)
{
    if (count < 2u) {
        tb_error("Command 'db' requires a subcommand");
    } else if (strcmp(tokens[1], "load") == 0) {
        tb_db_load(count > 2u ? tokens[2] : NULL);
    } else if (strcmp(tokens[1], "print") == 0) {
        tb_db_print();
    } else {
        tb_db_append(tokens[1]);
    }
}

static float tb_dequantize(const tb_tensor_desc_t *tensor, uint32_t i)
{
    int32_t q;
    switch (tensor->dtype) {
    case TB_DTYPE_FLOAT32: {
        float value;
        memcpy(&value, (const uint8_t *)tensor->data + 4u * i, sizeof value);
        return value;
    }
    case TB_DTYPE_INT8:
        q = ((const int8_t *)tensor->data)[i];
        break;
    case TB_DTYPE_UINT8:
    case TB_DTYPE_BOOL:
        q = ((const uint8_t *)tensor->data)[i];
        break;
    case TB_DTYPE_INT64: {
        int64_t value;
        memcpy(&value, (const uint8_t *)tensor->data + 8u * i, sizeof value);
        return (float)value;
    }
    case TB_DTYPE_INT16: {
        int16_t value;
        memcpy(&value, (const uint8_t *)tensor->data + 2u * i, sizeof value);
        q = value;
        break;
    }
    case TB_DTYPE_UINT32: {
        uint32_t value;
        memcpy(&value, (const uint8_t *)tensor->data + 4u * i, sizeof value);
        return (float)value;
    }
    case TB_DTYPE_INT32:
    default: {
        int32_t value;
        memcpy(&value, (const uint8_t *)tensor->data + 4u * i, sizeof value);
        q = value;
        break;
    }
    }
    /* One float32 multiply, as the host computes it; unquantized integers print as they are. */
    return tensor->scale != 0.0f ? (float)(q - tensor->zero_point) * tensor->scale : (float)q;
}

static uint32_t tb_element_bytes(tb_dtype_t dtype)
{
    switch (dtype) {
    case TB_DTYPE_INT8:
    case TB_DTYPE_UINT8:
    case TB_DTYPE_BOOL:
        return 1u;
    case TB_DTYPE_INT64:
        return 8u;
    case TB_DTYPE_INT16:
        return 2u;
    case TB_DTYPE_FLOAT32:
    case TB_DTYPE_INT32:
    default:
        return 4u;
    }
}

/* Every output's elements in order, dequantized, three decimals each. */
static void tb_results(void)
{
    const tb_model_info_t *info = tb_runtime_info();
    bool first = true;
    tb_puts("m-results-[");
    for (uint8_t o = 0u; o < info->n_outputs; o++) {
        const tb_tensor_desc_t *tensor = &info->outputs[o];
        const uint32_t elements = tensor->bytes / tb_element_bytes(tensor->dtype);
        for (uint32_t i = 0u; i < elements; i++) {
            char text[TB_FIXED3_MAX];
            if (!first) {
                tb_uart_putc(',');
            }
            first = false;
            tb_uart_write(text, tb_format_fixed3(tb_dequantize(tensor, i), text));
        }
    }
    tb_line("]");
}

static int32_t tb_infer_once(const tb_model_info_t *info)
{
    uint32_t offset = 0u;
    for (uint8_t i = 0u; i < info->n_inputs; i++) {
        memcpy(info->inputs[i].data, s_buffer + offset, info->inputs[i].bytes);
        offset += info->inputs[i].bytes;
    }
    const int32_t status = tb_runtime_invoke(NULL);
    (void)tb_clock_cycles(); /* keep the 64-bit clock across CYCCNT wraps */
    return status;
}

static bool tb_infer_loop(const tb_model_info_t *info, uint32_t runs)
{
    for (uint32_t i = 0u; i < runs; i++) {
        const int32_t status = tb_infer_once(info);
        if (status != 0) {
            tb_error_u32("Inference failed with status ", (uint32_t)status, "");
            return false;
        }
    }
    return true;
}

static void tb_cmd_infer(const char *const *tokens, size_t count)
{
    const tb_model_info_t *info = tb_runtime_info();
    uint32_t runs = 1u;
    uint32_t warmup = TB_MLPERF_DEFAULT_WARMUP;
    if (count > 1u && (!tb_parse_u32(tokens[1], &runs) || runs == 0u)) {
        tb_error("Inference iterations must be >0");
        return;
    }
    if (count > 2u && !tb_parse_u32(tokens[2], &warmup)) {
        tb_error("Inference warmup must be >=0");
        return;
    }
    if (info->init_status != 0) {
        tb_error_u32("The runtime did not start: status ", (uint32_t)info->init_status, "");
        return;
    }
    if (s_expected == 0u || s_loaded != tb_input_bytes(info)) {
        tb_error_u32("Load the input first: it takes ", tb_input_bytes(info), " bytes");
        return;
    }
    s_have_results = false;
    tb_puts("m-warmup-start-");
    tb_put_u32(warmup);
    tb_end_line();
    if (!tb_infer_loop(info, warmup)) {
        return;
    }
    tb_line("m-warmup-done");
    tb_puts("m-infer-start-");
    tb_put_u32(runs);
    tb_end_line();
    /* Both stamps are printed after the loop: printing the first inside the window would add
     * its own cost, which grows with its digit count, to the inferences' time. */
    const uint64_t start = tb_clock_cycles();
    const bool ok = tb_infer_loop(info, runs);
    const uint64_t end = tb_clock_cycles();
    tb_print_lap(start);
    tb_print_lap(end);
    if (!ok) {
        return;
    }
    tb_line("m-infer-done");
    s_have_results = true;
    tb_results();
}

static void tb_dispatch(const char *const *tokens, size_t count)
{
    const char *command = tokens[0];
    if (strcmp(command, "name") == 0) {
        tb_line("m-name-dut-[tflm-bench]");
    } else if (strcmp(command, "timestamp") == 0) {
        tb_timestamp();
    } else if (strcmp(command, "profile") == 0) {
        tb_line("m-profile-[ULPMark for tinyML Firmware V0.0.1]");
        tb_line("m-model-[" TB_MLPERF_MODEL "]");
    } else if (strcmp(command, "help") == 0) {
        tb_line("ULPMark for tinyML Firmware V0.0.1 (tflm-bench)");
        tb_line("name | profile | timestamp | db load N | db HEX | db print | infer N [W=10] | results");
    } else if (strcmp(command, "db") == 0) {
        tb_cmd_db(tokens, count);
    } else if (strcmp(command, "infer") == 0) {
        tb_cmd_infer(tokens, count);
    } else if (strcmp(command, "results") == 0) {
        if (s_have_results) {
            tb_results();
        } else {
            tb_error("No results yet: run 'infer' first");
        }
    } else {
        tb_puts("e-[Unknown command: ");
        tb_puts(command);
        tb_line("]");
    }
}

/* Splits `line` in place on spaces (and CR, LF, tabs, which serial tools add). */
static size_t tb_tokenize(char *line, const char *tokens[TB_MLPERF_MAX_TOKENS])
{
    size_t count = 0u;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\r' || *p == '\n' || *p == '\t') {
            p++;
        }
        if (*p == '\0' || count == TB_MLPERF_MAX_TOKENS) {
            return count;
        }
        tokens[count++] = p;
        while (*p != '\0' && *p != ' ' && *p != '\r' && *p != '\n' && *p != '\t') {
            p++;
        }
        if (*p != '\0') {
            *p++ = '\0';
        }
    }
}

/* One command up to '%'; characters past TB_MLPERF_CMD_SIZE are dropped, as the runner's
 * reference firmware does. */
static void tb_read_command(char line[TB_MLPERF_CMD_SIZE + 1u])
{
    size_t len = 0u;
    for (;;) {
        const char c = (char)tb_uart_getc();
        if (c == '%') {
            break;
        }
        if (len < TB_MLPERF_CMD_SIZE) {
            line[len++] = c;
        }
    }
    line[len] = '\0';
}

int main(void)
{
    tb_uart_init();
    tb_dwt_init();
    (void)tb_runtime_info(); /* starts a runtime that allocates (TFLM) before the first command */
    s_last_cyccnt = tb_dwt_cycles();
    tb_line("m-timestamp-mode-performance");
    tb_line("m-init-done");
    tb_line("m-ready");
    for (;;) {
        char line[TB_MLPERF_CMD_SIZE + 1u];
        const char *tokens[TB_MLPERF_MAX_TOKENS];
        tb_read_command(line);
        const size_t count = tb_tokenize(line, tokens);
        if (count > 0u) {
            tb_dispatch(tokens, count);
        }
        tb_line("m-ready");
    }
}
