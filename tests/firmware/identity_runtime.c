/* A hand-written runtime for testing the bench shell without a model: output = input + 1
 * (saturating), computed in two "layers" so per-layer profiling has something to count. */
#include <stddef.h>
#include <stdint.h>

#include "tb_runtime.h"

#define TB_ID_ELEMS 16

static int8_t tb_id_arena[64] __attribute__((aligned(16)));

/* Arena layout: input at 0, output at 16, the layer-0 intermediate at 32. */
#define TB_ID_INPUT (&tb_id_arena[0])
#define TB_ID_OUTPUT (&tb_id_arena[16])
#define TB_ID_SCRATCH (&tb_id_arena[32])

static const tb_tensor_desc_t tb_id_input = {
    .dtype = TB_DTYPE_INT8,
    .rank = 2,
    .dims = {1, TB_ID_ELEMS},
    .scale = 0.5f,
    .zero_point = -3,
    .bytes = TB_ID_ELEMS,
    .data = TB_ID_INPUT,
};

static const tb_tensor_desc_t tb_id_output = {
    .dtype = TB_DTYPE_INT8,
    .rank = 2,
    .dims = {1, TB_ID_ELEMS},
    .scale = 0.5f,
    .zero_point = -3,
    .bytes = TB_ID_ELEMS,
    .data = TB_ID_OUTPUT,
};

/* FULLY_CONNECTED and QUANTIZE, only so INFO lists real BuiltinOperator codes. */
static const uint8_t tb_id_opcodes[2] = {9, 114};

static const tb_model_info_t tb_id_info = {
    .build_id = 0x12345678u,
    .n_inputs = 1,
    .n_outputs = 1,
    .n_layers = 2,
    .arena_bytes = sizeof tb_id_arena,
    .inputs = &tb_id_input,
    .outputs = &tb_id_output,
    .layer_opcodes = tb_id_opcodes,
};

const tb_model_info_t *tb_runtime_info(void)
{
    return &tb_id_info;
}

static void tb_id_add_one(const int8_t *in, int8_t *out)
{
    for (int i = 0; i < TB_ID_ELEMS; i++) {
        out[i] = in[i] == INT8_MAX ? INT8_MAX : (int8_t)(in[i] + 1);
    }
}

static void tb_id_copy(const int8_t *in, int8_t *out)
{
    for (int i = 0; i < TB_ID_ELEMS; i++) {
        out[i] = in[i];
    }
}

int32_t tb_runtime_invoke(const tb_profiler_t *profiler)
{
    if (profiler != NULL) {
        profiler->layer_begin(profiler->ctx, 0);
    }
    tb_id_add_one(TB_ID_INPUT, TB_ID_SCRATCH);
    if (profiler != NULL) {
        profiler->layer_end(profiler->ctx, 0);
        profiler->layer_begin(profiler->ctx, 1);
    }
    tb_id_copy(TB_ID_SCRATCH, TB_ID_OUTPUT);
    if (profiler != NULL) {
        profiler->layer_end(profiler->ctx, 1);
    }
    return 0;
}
