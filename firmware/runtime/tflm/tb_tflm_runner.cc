/* tb_runtime.h implemented with TFLM's MicroInterpreter from the user's own library.
 *
 * The same for every model: the generated tb_tflm_model.cc supplies the flatbuffer, the
 * arena and the op resolver. The interpreter is set up on the first call into the runtime
 * (the shell's HELLO asks for the build id), so tensor addresses are known before the host's
 * first INFO. A failure to set up (an arena too small, an operator the library lacks) is
 * kept in init_status and the last log line, which the RUNTIME request reports.
 */
#include <cerrno>
#include <sys/stat.h>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>

#include "tb_runtime.h"
#include "tb_tflm_model.h"
#include "tensorflow/lite/micro/compatibility.h"
#include "tensorflow/lite/micro/micro_allocator.h"
#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_resource_variable.h"
#include "tensorflow/lite/micro/micro_profiler_interface.h"
#include "tensorflow/lite/schema/schema_generated.h"

#if defined(TB_TFLM_LOG_CALLBACK)
#include "tensorflow/lite/micro/cortex_m_generic/debug_log_callback.h"
#endif
#if defined(TB_TFLM_DEFINE_DEBUG_LOG)
#include <cstdarg>
#include <cstdio>
#endif

/* Status codes of init_status (docs/protocol.md, RUNTIME). */
enum : int32_t {
    TB_TFLM_INIT_OK = 0,
    TB_TFLM_INIT_SCHEMA = 1,    /* the flatbuffer's schema version is not TFLITE_SCHEMA_VERSION */
    TB_TFLM_INIT_ALLOCATE = 2,  /* AllocateTensors failed: arena too small, or an op is missing */
    TB_TFLM_INIT_IO = 3,        /* too many inputs/outputs, a rank over TB_MAX_RANK, or a dtype */
    TB_TFLM_INIT_INTERPRETER = 4, /* the interpreter's own initialisation failed */
    TB_TFLM_INIT_ARENA_LIMIT = 5, /* reinit asked for more arena than the firmware has */
};

namespace {

constexpr uint8_t kMaxIo = 16;
constexpr uint32_t kNotOpened = 0xFFFFFFFFu; /* op_begin found a measurement already open */
constexpr uint32_t kNested = 0xFFFFFFFEu;    /* an event inside another one (subgraph ops) */

/* Forwards TFLM's profiling events to the shell's per-layer clock. Only events at depth 0
 * are layers of subgraph 0; the trampolines of tb_tflm_resolver.h open one when the
 * interpreter does not (libraries built with TF_LITE_STRIP_ERROR_STRINGS). */
class ShellProfiler final : public tflite::MicroProfilerInterface {
  public:
    void Start(const tb_profiler_t *shell)
    {
        shell_ = shell;
        next_layer_ = 0;
        depth_ = 0;
    }

    void Stop() { shell_ = nullptr; }

    uint32_t BeginEvent(const char *tag) override
    {
        (void)tag;
        const uint32_t handle = depth_ == 0 ? next_layer_++ : kNested;
        depth_++;
        if (handle != kNested && shell_ != nullptr && shell_->layer_begin != nullptr) {
            shell_->layer_begin(shell_->ctx, static_cast<uint16_t>(handle));
        }
        return handle;
    }

    void EndEvent(uint32_t handle) override
    {
        if (depth_ > 0) {
            depth_--;
        }
        if (handle != kNested && shell_ != nullptr && shell_->layer_end != nullptr) {
            shell_->layer_end(shell_->ctx, static_cast<uint16_t>(handle));
        }
    }

    bool Open() const { return depth_ != 0; }

    TF_LITE_REMOVE_VIRTUAL_DELETE

  private:
    const tb_profiler_t *shell_ = nullptr;
    uint32_t next_layer_ = 0;
    uint32_t depth_ = 0;
};

ShellProfiler g_profiler;
tflite::MicroInterpreter *g_interpreter = nullptr;
alignas(tflite::MicroInterpreter) unsigned char g_interpreter_storage[sizeof(tflite::MicroInterpreter)];
bool g_started = false;

tb_tensor_desc_t g_inputs[kMaxIo];
tb_tensor_desc_t g_outputs[kMaxIo];
char g_last_log[160];
tb_model_info_t g_info;

/* TFLM's debug log: keep the last line for the RUNTIME reply (the UART carries frames only). */
void KeepLogLine(const char *text)
{
    if (text == nullptr || text[0] == '\0' || (text[0] == '\n' && text[1] == '\0')) {
        return; /* MicroPrintf sends the line feed on its own */
    }
    std::strncpy(g_last_log, text, sizeof g_last_log - 1u);
    g_last_log[sizeof g_last_log - 1u] = '\0';
}

bool Describe(const TfLiteTensor *tensor, tb_tensor_desc_t *desc)
{
    if (tensor == nullptr || tensor->dims == nullptr || tensor->dims->size > TB_MAX_RANK) {
        return false;
    }
    switch (tensor->type) {
    case kTfLiteInt8: desc->dtype = TB_DTYPE_INT8; break;
    case kTfLiteUInt8: desc->dtype = TB_DTYPE_UINT8; break;
    case kTfLiteFloat32: desc->dtype = TB_DTYPE_FLOAT32; break;
    case kTfLiteInt16: desc->dtype = TB_DTYPE_INT16; break;
    case kTfLiteInt32: desc->dtype = TB_DTYPE_INT32; break;
    case kTfLiteBool: desc->dtype = TB_DTYPE_BOOL; break;
    case kTfLiteInt64: desc->dtype = TB_DTYPE_INT64; break;
    case kTfLiteUInt32: desc->dtype = TB_DTYPE_UINT32; break;
    default: return false;
    }
    desc->rank = static_cast<uint8_t>(tensor->dims->size);
    for (int d = 0; d < tensor->dims->size; d++) {
        desc->dims[d] = tensor->dims->data[d];
    }
    const bool is_float = tensor->type == kTfLiteFloat32;
    desc->scale = is_float ? 0.0f : tensor->params.scale;
    desc->zero_point = is_float ? 0 : tensor->params.zero_point;
    desc->bytes = static_cast<uint32_t>(tensor->bytes);
    desc->data = tensor->data.data;
    return true;
}

int32_t Build(size_t arena_bytes)
{
    const tflite::Model *model = tflite::GetModel(tb_tflm::kModel);
    if (model->version() != TFLITE_SCHEMA_VERSION) {
        return TB_TFLM_INIT_SCHEMA;
    }
    if (tb_tflm::kResourceVariables > 0) {
        /* VAR_HANDLE needs MicroResourceVariables, which live in the arena's persistent part. */
        tflite::MicroAllocator *allocator = tflite::MicroAllocator::Create(tb_tflm::kArena, arena_bytes);
        tflite::MicroResourceVariables *resources =
            allocator == nullptr ? nullptr : tflite::MicroResourceVariables::Create(allocator, tb_tflm::kResourceVariables);
        if (resources == nullptr) {
            return TB_TFLM_INIT_ALLOCATE;
        }
        g_interpreter = new (g_interpreter_storage) tflite::MicroInterpreter(
            model, tb_tflm::OpResolver(), allocator, resources, &g_profiler);
    } else {
        g_interpreter = new (g_interpreter_storage) tflite::MicroInterpreter(
            model, tb_tflm::OpResolver(), tb_tflm::kArena, arena_bytes, nullptr, &g_profiler);
    }
    if (g_interpreter->initialization_status() != kTfLiteOk) {
        return TB_TFLM_INIT_INTERPRETER;
    }
    if (g_interpreter->AllocateTensors() != kTfLiteOk) {
        return TB_TFLM_INIT_ALLOCATE;
    }
    g_info.arena_used_bytes = static_cast<uint32_t>(g_interpreter->arena_used_bytes());
    const size_t n_in = g_interpreter->inputs_size();
    const size_t n_out = g_interpreter->outputs_size();
    if (n_in > kMaxIo || n_out > kMaxIo) {
        return TB_TFLM_INIT_IO;
    }
    for (size_t i = 0; i < n_in; i++) {
        if (!Describe(g_interpreter->input(i), &g_inputs[i])) {
            return TB_TFLM_INIT_IO;
        }
    }
    for (size_t i = 0; i < n_out; i++) {
        if (!Describe(g_interpreter->output(i), &g_outputs[i])) {
            return TB_TFLM_INIT_IO;
        }
    }
    g_info.n_inputs = static_cast<uint8_t>(n_in);
    g_info.n_outputs = static_cast<uint8_t>(n_out);
    return TB_TFLM_INIT_OK;
}

/* (Re)build the interpreter over the first `arena_bytes` of the arena. */
int32_t SetUp(uint32_t arena_bytes)
{
    if (arena_bytes > tb_tflm::kArenaBytes) {
        return TB_TFLM_INIT_ARENA_LIMIT; /* keeps the interpreter there is */
    }
    if (g_interpreter != nullptr) {
        g_interpreter->~MicroInterpreter();
        g_interpreter = nullptr;
    }
    g_last_log[0] = '\0';
    g_info.arena_bytes = arena_bytes;
    g_info.arena_used_bytes = 0;
    g_info.init_status = Build(arena_bytes);
    if (g_info.init_status != TB_TFLM_INIT_OK) {
        g_info.n_inputs = 0; /* nothing to read or write: the host asks RUNTIME why */
        g_info.n_outputs = 0;
        if (g_interpreter != nullptr) {
            g_interpreter->~MicroInterpreter();
            g_interpreter = nullptr;
        }
    }
    return g_info.init_status;
}

int32_t Reinit(uint32_t arena_bytes)
{
    return SetUp(arena_bytes);
}

void Start()
{
    if (g_started) {
        return;
    }
    g_started = true;
#if defined(TB_TFLM_LOG_CALLBACK)
    RegisterDebugLogCallback(KeepLogLine);
#endif
    g_info.build_id = tb_tflm::kBuildId;
    g_info.n_layers = tb_tflm::kLayers;
    g_info.inputs = g_inputs;
    g_info.outputs = g_outputs;
    g_info.layer_opcodes = tb_tflm::kLayerOpcodes;
    g_info.runtime_kind = TB_RUNTIME_TFLM;
    g_info.message = g_last_log;
    g_info.reinit = Reinit;
    (void)SetUp(static_cast<uint32_t>(tb_tflm::kArenaBytes));
}

} // namespace

namespace tb_tflm {

uint32_t op_begin()
{
    return g_profiler.Open() ? kNotOpened : g_profiler.BeginEvent(nullptr);
}

void op_end(uint32_t handle)
{
    if (handle != kNotOpened) {
        g_profiler.EndEvent(handle);
    }
}

} // namespace tb_tflm

extern "C" const tb_model_info_t *tb_runtime_info(void)
{
    Start();
    return &g_info;
}

extern "C" int32_t tb_runtime_invoke(const tb_profiler_t *profiler)
{
    Start();
    if (g_interpreter == nullptr) {
        return g_info.init_status;
    }
    g_profiler.Start(profiler);
    const TfLiteStatus status = g_interpreter->Invoke();
    g_profiler.Stop();
    return static_cast<int32_t>(status);
}

#if defined(TB_TFLM_DEFINE_DEBUG_LOG)
/* The library leaves DebugLog to the application (no cortex_m_generic logger in it). */
extern "C" void DebugLog(const char *format, va_list args)
{
    char line[sizeof g_last_log];
    std::vsnprintf(line, sizeof line, format, args);
    KeepLogLine(line);
}
#endif

/* TFLM's default and release_with_logs builds log through newlib-nano's vsnprintf, which links
 * malloc, which needs _sbrk. The firmware has no heap otherwise, so a small fixed pool serves
 * it; running out is ENOMEM (a log line is lost), never memory beyond the pool. Weak: a
 * library or application that brings its own _sbrk keeps it. */
extern "C" {
__attribute__((weak)) void *_sbrk(ptrdiff_t increment)
{
    alignas(8) static unsigned char heap[2048];
    static size_t used = 0;
    if (increment < 0 || static_cast<size_t>(increment) > sizeof heap - used) {
        errno = ENOMEM;
        return reinterpret_cast<void *>(-1);
    }
    void *start = &heap[used];
    used += static_cast<size_t>(increment);
    return start;
}

/* The rest of newlib's system interface those builds pull in (assert() -> abort() -> _kill,
 * _exit; stdio's file calls). There is no file and no process: writes are dropped, reads see
 * the end, and an exit (a failed TFLM assert) traps, so the bench reports it as a fault at its PC. */
__attribute__((weak, noreturn)) void _exit(int status)
{
    (void)status;
    for (;;) {
        __builtin_trap();
    }
}
__attribute__((weak)) int _kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    errno = EINVAL;
    return -1;
}
__attribute__((weak)) int _getpid(void) { return 1; }
__attribute__((weak)) int _write(int fd, const void *data, size_t length)
{
    (void)fd;
    (void)data;
    return static_cast<int>(length);
}
__attribute__((weak)) int _read(int fd, void *data, size_t length)
{
    (void)fd;
    (void)data;
    (void)length;
    return 0;
}
__attribute__((weak)) int _close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}
__attribute__((weak)) int _fstat(int fd, struct stat *status)
{
    (void)fd;
    status->st_mode = S_IFCHR;
    return 0;
}
__attribute__((weak)) int _isatty(int fd)
{
    (void)fd;
    return 1;
}
__attribute__((weak)) int _lseek(int fd, int offset, int whence)
{
    (void)fd;
    (void)offset;
    (void)whence;
    return 0;
}
}

/* C++ run-time pieces the library may reference. There is no crtbegin.o (-nostartfiles), and
 * static destructors never run: main() never returns, so registering them is a no-op. */
extern "C" {
void *__dso_handle = &__dso_handle;
int __aeabi_atexit(void *object, void (*destructor)(void *), void *dso_handle)
{
    (void)object;
    (void)destructor;
    (void)dso_handle;
    return 0;
}
int atexit(void (*function)(void))
{
    (void)function;
    return 0;
}
}
