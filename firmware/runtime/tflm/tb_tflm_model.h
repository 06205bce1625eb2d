/* What the generator writes for one model (tb_tflm_model.cc) and the TFLM runner reads.
 *
 * The runner (tb_tflm_runner.cc) is the same for every model; everything model-specific is
 * here: the flatbuffer, the arena, and an op resolver holding exactly the model's operators.
 */
#ifndef TB_TFLM_MODEL_H
#define TB_TFLM_MODEL_H

#include <cstddef>
#include <cstdint>

#include "tensorflow/lite/micro/micro_op_resolver.h"

namespace tb_tflm {

extern const uint8_t kModel[];     /* the .tflite, 16-byte aligned */
extern const size_t kModelBytes;
extern uint8_t *const kArena;      /* the tensor arena given to MicroInterpreter, 16-byte aligned */
extern const size_t kArenaBytes;
extern const uint32_t kBuildId;
extern const int kResourceVariables; /* distinct (container, shared_name) of its VAR_HANDLEs */    /* first 4 bytes of the model's SHA-256, little-endian */
extern const uint16_t kLayers;     /* operators of subgraph 0 */
extern const uint8_t kLayerOpcodes[]; /* their BuiltinOperator codes (255 for codes above 254) */

/* A MicroMutableOpResolver with the model's operators, behind the profiling wrapper of
 * tb_tflm_resolver.h. Built on the first call; the runner calls it once. */
const tflite::MicroOpResolver &OpResolver();

/* Called around each operator's invoke by the wrapper (defined by the runner). op_begin()
 * returns a handle for op_end(). */
uint32_t op_begin();
void op_end(uint32_t handle);

} // namespace tb_tflm

#endif /* TB_TFLM_MODEL_H */
