/* An op resolver that profiles every operator, whatever the user's library was built with.
 *
 * TFLM's interpreter calls MicroProfilerInterface around each operator only when the library
 * was built without TF_LITE_STRIP_ERROR_STRINGS; release builds (the usual ones) never call
 * it. So this wrapper hands the interpreter copies of the registrations whose invoke is a
 * trampoline: it opens the layer's measurement (unless the interpreter already has) and calls
 * the kernel's own invoke. One trampoline per operator type, so a slot per resolver entry.
 */
#ifndef TB_TFLM_RESOLVER_H
#define TB_TFLM_RESOLVER_H

#include <cstddef>
#include <cstdint>
#include <utility>

#include "tb_tflm_model.h"
#include "tensorflow/lite/micro/compatibility.h"
#include "tensorflow/lite/micro/micro_op_resolver.h"

namespace tb_tflm {

template <unsigned kOps>
class ProfilingOpResolver final : public tflite::MicroOpResolver {
  public:
    explicit ProfilingOpResolver(const tflite::MicroOpResolver &inner) : inner_(inner) {}

    const TFLMRegistration *FindOp(tflite::BuiltinOperator op) const override
    {
        return Wrap(inner_.FindOp(op));
    }

    const TFLMRegistration *FindOp(const char *op) const override
    {
        return Wrap(inner_.FindOp(op));
    }

    tflite::TfLiteBridgeBuiltinParseFunction GetOpDataParser(tflite::BuiltinOperator op) const override
    {
        return inner_.GetOpDataParser(op);
    }

    TF_LITE_REMOVE_VIRTUAL_DELETE

  private:
    using InvokeFn = TfLiteStatus (*)(TfLiteContext *, TfLiteNode *);

    /* FindOp is const in the interface; the copies are made lazily, once per op type. */
    const TFLMRegistration *Wrap(const TFLMRegistration *found) const
    {
        if (found == nullptr || found->invoke == nullptr) {
            return found;
        }
        for (unsigned i = 0; i < count_; i++) {
            if (originals_[i] == found) {
                return &wrapped_[i];
            }
        }
        if (count_ == kOps) {
            return found; /* more types than slots cannot happen: unprofiled, not failed */
        }
        const unsigned slot = count_++;
        originals_[slot] = found;
        wrapped_[slot] = *found;
        invokes_[slot] = found->invoke;
        wrapped_[slot].invoke = Trampoline(slot, std::make_index_sequence<kOps>{});
        return &wrapped_[slot];
    }

    template <std::size_t kSlot>
    static TfLiteStatus Invoke(TfLiteContext *context, TfLiteNode *node)
    {
        const uint32_t handle = op_begin();
        const TfLiteStatus status = invokes_[kSlot](context, node);
        op_end(handle);
        return status;
    }

    template <std::size_t... kSlots>
    static InvokeFn Trampoline(unsigned slot, std::index_sequence<kSlots...>)
    {
        static constexpr InvokeFn kTable[] = {&Invoke<kSlots>...};
        return kTable[slot];
    }

    const tflite::MicroOpResolver &inner_;
    mutable unsigned count_ = 0;
    mutable const TFLMRegistration *originals_[kOps] = {};
    mutable TFLMRegistration wrapped_[kOps] = {};
    static inline InvokeFn invokes_[kOps] = {}; /* static: a trampoline is a plain function */
};

} // namespace tb_tflm

#endif /* TB_TFLM_RESOLVER_H */
