/* The interface between the bench shell and an inference runtime.
 *
 * The shell (start-up, UART protocol, counters, fault reports) only sees this header. The
 * default runtime is C emitted by the generator for one model; firmware/runtime/tflm/ wraps a
 * user's own TFLM library (its MicroInterpreter) behind the same calls.
 */
#ifndef TB_RUNTIME_H
#define TB_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define TB_MAX_RANK 6

/* Which runtime answers; the RUNTIME request reports it (docs/protocol.md). */
typedef enum {
    TB_RUNTIME_GENERATED = 0,
    TB_RUNTIME_TFLM = 1,
} tb_runtime_kind_t;

typedef enum {
    TB_DTYPE_INT8 = 1,
    TB_DTYPE_UINT8 = 2,
    TB_DTYPE_FLOAT32 = 3,
    TB_DTYPE_INT16 = 4,
    TB_DTYPE_INT32 = 5,
    TB_DTYPE_BOOL = 6,  /* one byte, 0 or 1 */
    TB_DTYPE_INT64 = 7,
    TB_DTYPE_UINT32 = 8,
} tb_dtype_t;

/* One model input or output as the host sees it. `data` points into the arena. */
typedef struct {
    tb_dtype_t dtype;
    uint8_t rank;
    int32_t dims[TB_MAX_RANK];
    float scale;        /* 0 for float tensors */
    int32_t zero_point;
    uint32_t bytes;
    void *data;
} tb_tensor_desc_t;

typedef struct {
    uint32_t build_id;
    uint8_t n_inputs;
    uint8_t n_outputs;
    uint16_t n_layers;
    uint32_t arena_bytes;
    const tb_tensor_desc_t *inputs;
    const tb_tensor_desc_t *outputs;
    const uint8_t *layer_opcodes; /* TFLite BuiltinOperator code per layer */
    /* Each layer's (first) output tensor, where it lies while later layers have not yet run;
     * NULL when the runtime does not describe them (then INVOKE_PARTIAL is refused). */
    const tb_tensor_desc_t *layer_outputs;
    /* Filled by runtimes that allocate at start-up (TFLM). The generated runtime plans its
     * arena ahead of time and leaves them out, so they are zero: kind GENERATED, status 0,
     * and all of arena_bytes used. */
    uint8_t runtime_kind;      /* a tb_runtime_kind_t */
    int32_t init_status;       /* 0, or why the runtime could not start (e.g. arena too small) */
    uint32_t arena_used_bytes; /* 0: arena_bytes, as planned */
    const char *message;       /* NULL, or the runtime's last log line (NUL-terminated ASCII) */
    /* NULL, or: set the runtime up again with only the first `bytes` of its arena (at most the
     * size it was built with) and return the new init_status. The host finds the smallest arena
     * that allocates this way, without one rebuild per try. */
    int32_t (*reinit)(uint32_t bytes);
} tb_model_info_t;

/* Called by the runtime around each layer; the shell reads its cycle counter there. */
typedef struct {
    void (*layer_begin)(void *ctx, uint16_t layer);
    void (*layer_end)(void *ctx, uint16_t layer);
    void *ctx;
    /* 0: run every layer. N: return after the first N layers, so the host can read layer
     * N-1's output before a later layer reuses its memory (tflm-bench diff). */
    uint16_t run_layers;
} tb_profiler_t;

const tb_model_info_t *tb_runtime_info(void);

/* 0 on success; otherwise the status of the first failing layer (see tb_status_t). */
int32_t tb_runtime_invoke(const tb_profiler_t *profiler);

#ifdef __cplusplus
}
#endif

#endif /* TB_RUNTIME_H */
