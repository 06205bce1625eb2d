#include "commands.h"

#include <string.h>

#include "dwt.h"
#include "tb_runtime.h"

_Static_assert(12u + 4u * TB_MAX_LAYERS <= TB_MAX_PAYLOAD, "INVOKE reply must fit one frame");

#define TB_SET_INPUT_HEADER 8u
#define TB_GET_OUTPUT_SIZE 10u
#define TB_INVOKE_PARTIAL_SIZE 2u
#define TB_INFO_FIXED 16u
#define TB_TENSOR_FIXED 16u /* dtype, rank, zero, scale, zero point, bytes */
#define TB_RUNTIME_FIXED 16u /* kind, zero, status, arena bytes, arena used bytes */

static uint32_t tb_get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

static uint16_t tb_get_u16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static void tb_bad_argument(const tb_frame_t *req, const char *why)
{
    tb_protocol_send_error(req->seq, TB_PROTO_ERR_BAD_ARGUMENT, req->type, why);
}

/* Offset and length checked without overflow: offset + len could wrap in 32 bits. */
static int tb_range_ok(uint32_t offset, uint32_t len, uint32_t size)
{
    return offset <= size && len <= size - offset;
}

static uint8_t tb_rank(const tb_tensor_desc_t *t)
{
    return t->rank <= TB_MAX_RANK ? t->rank : TB_MAX_RANK;
}

void tb_commands_send_hello(void)
{
    tb_tx_t tx;
    tb_tx_begin(&tx, TB_MSG_HELLO, 0u, 8u);
    tb_tx_u8(&tx, TB_PROTOCOL_VERSION);
    tb_tx_u8(&tx, 0u);
    tb_tx_u16(&tx, 0u);
    tb_tx_u32(&tx, tb_runtime_info()->build_id);
    tb_tx_end(&tx);
}

static void tb_send_tensor(tb_tx_t *tx, const tb_tensor_desc_t *t)
{
    const uint8_t rank = tb_rank(t);
    uint32_t scale_bits;
    memcpy(&scale_bits, &t->scale, sizeof scale_bits);
    tb_tx_u8(tx, (uint8_t)t->dtype);
    tb_tx_u8(tx, rank);
    tb_tx_u16(tx, 0u);
    for (uint8_t d = 0; d < rank; d++) {
        tb_tx_u32(tx, (uint32_t)t->dims[d]);
    }
    tb_tx_u32(tx, scale_bits);
    tb_tx_u32(tx, (uint32_t)t->zero_point);
    tb_tx_u32(tx, t->bytes);
}

static void tb_cmd_info(const tb_frame_t *req)
{
    const tb_model_info_t *info = tb_runtime_info();
    if (req->len != 0u) {
        tb_bad_argument(req, "INFO takes no payload");
        return;
    }
    uint32_t len = TB_INFO_FIXED + info->n_layers;
    for (uint8_t i = 0; i < info->n_inputs; i++) {
        len += TB_TENSOR_FIXED + 4u * tb_rank(&info->inputs[i]);
    }
    for (uint8_t i = 0; i < info->n_outputs; i++) {
        len += TB_TENSOR_FIXED + 4u * tb_rank(&info->outputs[i]);
    }
    if (len > TB_MAX_PAYLOAD) {
        tb_bad_argument(req, "model description exceeds 1024 bytes");
        return;
    }

    tb_tx_t tx;
    tb_tx_begin(&tx, TB_MSG_INFO | TB_MSG_REPLY, req->seq, (uint16_t)len);
    tb_tx_u8(&tx, TB_PROTOCOL_VERSION);
    tb_tx_u8(&tx, info->n_inputs);
    tb_tx_u8(&tx, info->n_outputs);
    tb_tx_u8(&tx, 0u);
    tb_tx_u32(&tx, info->build_id);
    tb_tx_u16(&tx, info->n_layers);
    tb_tx_u16(&tx, 0u);
    tb_tx_u32(&tx, info->arena_bytes);
    for (uint8_t i = 0; i < info->n_inputs; i++) {
        tb_send_tensor(&tx, &info->inputs[i]);
    }
    for (uint8_t i = 0; i < info->n_outputs; i++) {
        tb_send_tensor(&tx, &info->outputs[i]);
    }
    tb_tx_write(&tx, info->layer_opcodes, info->n_layers);
    tb_tx_end(&tx);
}

/* Which runtime runs and how much of its arena it uses: a TFLM interpreter allocates at
 * start-up and may fail to (arena too small), which INFO cannot say. */
static void tb_cmd_runtime(const tb_frame_t *req)
{
    const tb_model_info_t *info = tb_runtime_info();
    if (req->len != 0u && req->len != 4u) {
        tb_bad_argument(req, "RUNTIME takes no payload, or a u32 arena size");
        return;
    }
    if (req->len == 4u) {
        const uint32_t bytes = tb_get_u32(req->payload);
        if (info->reinit == NULL) {
            tb_bad_argument(req, "this runtime's arena is planned ahead of time");
            return;
        }
        if (bytes == 0u) {
            tb_bad_argument(req, "arena size 0");
            return;
        }
        (void)info->reinit(bytes); /* the reply below carries the new status */
    }
    uint32_t text_len = 0u;
    if (info->message != NULL) {
        text_len = (uint32_t)strlen(info->message);
        if (text_len > TB_MAX_PAYLOAD - TB_RUNTIME_FIXED) {
            text_len = TB_MAX_PAYLOAD - TB_RUNTIME_FIXED;
        }
    }
    const uint32_t used = info->arena_used_bytes != 0u ? info->arena_used_bytes : info->arena_bytes;
    tb_tx_t tx;
    tb_tx_begin(&tx, TB_MSG_RUNTIME | TB_MSG_REPLY, req->seq, (uint16_t)(TB_RUNTIME_FIXED + text_len));
    tb_tx_u8(&tx, info->runtime_kind);
    tb_tx_u8(&tx, 0u);
    tb_tx_u16(&tx, 0u);
    tb_tx_u32(&tx, (uint32_t)info->init_status);
    tb_tx_u32(&tx, info->arena_bytes);
    tb_tx_u32(&tx, used);
    if (text_len != 0u) {
        tb_tx_write(&tx, info->message, (uint16_t)text_len);
    }
    tb_tx_end(&tx);
}

static void tb_cmd_set_input(const tb_frame_t *req)
{
    const tb_model_info_t *info = tb_runtime_info();
    if (req->len < TB_SET_INPUT_HEADER) {
        tb_bad_argument(req, "SET_INPUT payload shorter than 8 bytes");
        return;
    }
    const uint8_t index = req->payload[0];
    const uint32_t offset = tb_get_u32(&req->payload[4]);
    const uint32_t len = req->len - TB_SET_INPUT_HEADER;
    if (index >= info->n_inputs) {
        tb_bad_argument(req, "input index out of range");
        return;
    }
    const tb_tensor_desc_t *t = &info->inputs[index];
    if (!tb_range_ok(offset, len, t->bytes)) {
        tb_bad_argument(req, "offset + length beyond the input tensor");
        return;
    }
    memcpy((uint8_t *)t->data + offset, &req->payload[TB_SET_INPUT_HEADER], len);
    tb_protocol_send(TB_MSG_SET_INPUT | TB_MSG_REPLY, req->seq, NULL, 0u);
}

/* GET_OUTPUT and GET_LAYER_OUTPUT: u16 index (u8 for outputs), zero, u32 offset, u16 length. */
static void tb_send_tensor_bytes(const tb_frame_t *req, const tb_tensor_desc_t *tensors, uint16_t count,
                                 uint16_t index)
{
    const uint32_t offset = tb_get_u32(&req->payload[4]);
    const uint16_t len = tb_get_u16(&req->payload[8]);
    if (index >= count) {
        tb_bad_argument(req, "tensor index out of range");
        return;
    }
    const tb_tensor_desc_t *t = &tensors[index];
    if (len > TB_MAX_PAYLOAD || !tb_range_ok(offset, len, t->bytes)) {
        tb_bad_argument(req, "offset + length beyond the tensor or over 1024");
        return;
    }
    tb_protocol_send(req->type | TB_MSG_REPLY, req->seq, (const uint8_t *)t->data + offset, len);
}

static void tb_cmd_get_output(const tb_frame_t *req)
{
    const tb_model_info_t *info = tb_runtime_info();
    if (req->len != TB_GET_OUTPUT_SIZE) {
        tb_bad_argument(req, "GET_OUTPUT payload must be 10 bytes");
        return;
    }
    tb_send_tensor_bytes(req, info->outputs, info->n_outputs, req->payload[0]);
}

static void tb_cmd_get_layer_output(const tb_frame_t *req)
{
    const tb_model_info_t *info = tb_runtime_info();
    if (req->len != TB_GET_OUTPUT_SIZE) {
        tb_bad_argument(req, "GET_LAYER_OUTPUT payload must be 10 bytes");
        return;
    }
    if (info->layer_outputs == NULL) {
        tb_bad_argument(req, "this runtime does not describe its layer outputs");
        return;
    }
    tb_send_tensor_bytes(req, info->layer_outputs, info->n_layers, tb_get_u16(&req->payload[0]));
}

static uint32_t tb_layer_cycles[TB_MAX_LAYERS];

typedef struct {
    uint32_t layer_start;
} tb_invoke_clock_t;

static void tb_layer_begin(void *ctx, uint16_t layer)
{
    (void)layer;
    ((tb_invoke_clock_t *)ctx)->layer_start = tb_dwt_cycles();
}

static void tb_layer_end(void *ctx, uint16_t layer)
{
    const uint32_t now = tb_dwt_cycles();
    if (layer < TB_MAX_LAYERS) {
        /* Unsigned subtraction stays right across one counter wrap. */
        tb_layer_cycles[layer] = now - ((const tb_invoke_clock_t *)ctx)->layer_start;
    }
}

/* INVOKE runs every layer (run_layers 0); INVOKE_PARTIAL the first run_layers of them. */
static void tb_run_and_reply(const tb_frame_t *req, uint16_t run_layers)
{
    const tb_model_info_t *info = tb_runtime_info();
    /* Layers a failing or partial invoke never reached report 0. */
    memset(tb_layer_cycles, 0, sizeof tb_layer_cycles);
    tb_invoke_clock_t clock = {0u};
    const tb_profiler_t profiler = {
        .layer_begin = tb_layer_begin,
        .layer_end = tb_layer_end,
        .ctx = &clock,
        .run_layers = run_layers,
    };

    const uint32_t start = tb_dwt_cycles();
    const int32_t status = tb_runtime_invoke(&profiler);
    const uint32_t total = tb_dwt_cycles() - start;

    const uint16_t n_layers = info->n_layers < TB_MAX_LAYERS ? info->n_layers : TB_MAX_LAYERS;
    tb_tx_t tx;
    tb_tx_begin(&tx, req->type | TB_MSG_REPLY, req->seq, (uint16_t)(12u + 4u * n_layers));
    tb_tx_u32(&tx, (uint32_t)status);
    tb_tx_u32(&tx, total);
    tb_tx_u16(&tx, n_layers);
    tb_tx_u16(&tx, 0u);
    for (uint16_t i = 0; i < n_layers; i++) {
        tb_tx_u32(&tx, tb_layer_cycles[i]);
    }
    tb_tx_end(&tx);
}

static void tb_cmd_invoke(const tb_frame_t *req)
{
    if (req->len != 0u) {
        tb_bad_argument(req, "INVOKE takes no payload");
        return;
    }
    tb_run_and_reply(req, 0u);
}

static void tb_cmd_invoke_partial(const tb_frame_t *req)
{
    const tb_model_info_t *info = tb_runtime_info();
    if (req->len != TB_INVOKE_PARTIAL_SIZE) {
        tb_bad_argument(req, "INVOKE_PARTIAL payload must be 2 bytes");
        return;
    }
    const uint16_t run_layers = tb_get_u16(req->payload);
    if (info->layer_outputs == NULL) {
        tb_bad_argument(req, "this runtime cannot stop after a layer");
        return;
    }
    if (run_layers == 0u || run_layers > info->n_layers) {
        tb_bad_argument(req, "layer count must be 1 .. the model's layers");
        return;
    }
    tb_run_and_reply(req, run_layers);
}

void tb_commands_handle(const tb_frame_t *req)
{
    switch (req->type) {
    case TB_MSG_PING:
        tb_protocol_send(TB_MSG_PING | TB_MSG_REPLY, req->seq, req->payload, req->len);
        break;
    case TB_MSG_INFO:
        tb_cmd_info(req);
        break;
    case TB_MSG_SET_INPUT:
        tb_cmd_set_input(req);
        break;
    case TB_MSG_INVOKE:
        tb_cmd_invoke(req);
        break;
    case TB_MSG_GET_OUTPUT:
        tb_cmd_get_output(req);
        break;
    case TB_MSG_INVOKE_PARTIAL:
        tb_cmd_invoke_partial(req);
        break;
    case TB_MSG_GET_LAYER_OUTPUT:
        tb_cmd_get_layer_output(req);
        break;
    case TB_MSG_RUNTIME:
        tb_cmd_runtime(req);
        break;
    default:
        tb_protocol_send_error(req->seq, TB_PROTO_ERR_UNKNOWN_COMMAND, req->type,
                               "unknown request type");
        break;
    }
}
