/* A user's firmware around an exported tflm-bench library: no bench protocol. It fills the
 * input from user_input.h, runs one inference with a per-layer hook reading the DWT cycle
 * counter (as a user profiling their model would), and prints, as text on uart0:
 *   layers N / layer I CYCLES (each) / total CYCLES / output O HEX / done */
#include <stdint.h>
#include <string.h>

#include "dwt.h"
#include "tb_runtime.h"
#include "uart0.h"
#include "user_input.h"

#define USER_MAX_LAYERS 256u

static uint32_t user_layer_start;
static uint32_t user_layer_cycles[USER_MAX_LAYERS];

static void user_layer_begin(void *ctx, uint16_t layer)
{
    (void)ctx;
    (void)layer;
    user_layer_start = tb_dwt_cycles();
}

static void user_layer_end(void *ctx, uint16_t layer)
{
    const uint32_t now = tb_dwt_cycles();
    (void)ctx;
    if (layer < USER_MAX_LAYERS) {
        user_layer_cycles[layer] = now - user_layer_start;
    }
}

static void user_print(const char *text)
{
    tb_uart_write(text, strlen(text));
}

static void user_print_number(uint32_t value)
{
    char digits[11];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10u);
        value /= 10u;
    } while (value != 0u);
    while (n > 0) {
        tb_uart_putc((uint8_t)digits[--n]);
    }
}

static void user_print_hex(const uint8_t *data, uint32_t bytes)
{
    static const char hex[] = "0123456789abcdef";
    for (uint32_t i = 0; i < bytes; ++i) {
        tb_uart_putc((uint8_t)hex[data[i] >> 4]);
        tb_uart_putc((uint8_t)hex[data[i] & 15u]);
    }
}

int main(void)
{
    tb_uart_init();
    tb_dwt_init();
    const tb_model_info_t *info = tb_runtime_info();
    memcpy(info->inputs[0].data, user_input, sizeof user_input);
    const tb_profiler_t profiler = {.layer_begin = user_layer_begin, .layer_end = user_layer_end, .ctx = NULL};
    const uint32_t start = tb_dwt_cycles();
    const int32_t status = tb_runtime_invoke(&profiler);
    const uint32_t total = tb_dwt_cycles() - start;
    user_print(status == 0 ? "layers " : "failed ");
    user_print_number(info->n_layers);
    user_print("\n");
    for (uint16_t layer = 0; layer < info->n_layers && layer < USER_MAX_LAYERS; ++layer) {
        user_print("layer ");
        user_print_number(user_layer_cycles[layer]);
        user_print("\n");
    }
    user_print("total ");
    user_print_number(total);
    user_print("\n");
    for (uint8_t o = 0; o < info->n_outputs; ++o) {
        user_print("output ");
        user_print_hex((const uint8_t *)info->outputs[o].data, info->outputs[o].bytes);
        user_print("\n");
    }
    user_print("done\n");
    for (;;) {
    }
}
