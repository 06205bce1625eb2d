"""The arena budget of the speed plans: a lower bound of what TFLM + CMSIS-NN needs for the model.

The planner grants a kernel's scratch request only while the arena stays within a budget. With
`--optimize size` the budget is the plan without any scratch (the smallest arena). Otherwise it is
this bound: TFLM would need at least as much for the same model, so spending up to it on faster
variants never makes our arena larger than TFLM's. The bound adds up only what TFLM certainly
allocates in its arena on a 32-bit Cortex-M4 with the CMSIS-NN kernels (built for the DSP extension
with GCC, as the TFLM library is for this board):

- the non-constant tensors, placed by a greedy plan no worse than TFLM's GreedyMemoryPlanner
  (ours tries its order among others), without the aliasing and in-place reuse TFLM does not do,
  each operator's CMSIS-NN scratch buffer alive while it runs (sizes as CMSIS-NN's
  `*_get_buffer_size` functions give them for that build);
- one 12-byte TfLiteEvalTensor per tensor of every subgraph, and the buffers of the resource
  variables (ASSIGN_VARIABLE's Prepare allocates them persistent);
- the per-channel output multipliers and shifts (2 x int32 per output channel) that TFLM's CONV_2D
  and DEPTHWISE_CONV_2D Prepare keep for int8 and int16 inputs.

Everything else TFLM keeps there (nodes, operator data, tensor metadata during Prepare) only makes
its real arena larger, which is why this is a lower bound.
"""
from __future__ import annotations

from .model import Model, Operator
from .ops import slots, window
from .planner import planned_bytes
from .resources import resolve as resolve_resources
from .resources import uses_resources
from .subgraphs import executed_operators

EVAL_TENSOR_BYTES = 12  # TfLiteEvalTensor on a 32-bit target: data pointer, dims pointer, type
PER_CHANNEL_BYTES = 8  # one int32 multiplier and one int32 shift per output channel
_QUANTIZED = ("int8", "int16")


def _align4(n: int) -> int:
    return -(-n // 4) * 4


def cmsis_nn_scratch_bytes(model: Model, op: Operator) -> int:
    """The scratch buffer TFLM's CMSIS-NN kernel for `op` requests (0: none) on a Cortex-M4."""
    if op.name not in ("CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D"):
        return 0
    inp = slots.required_input(model, op, slots.INPUT)
    if inp.dtype != "int8" or len(inp.shape) != 4:
        return 0
    if op.name == "AVERAGE_POOL_2D":
        return 4 * inp.shape[3]  # one int32 sum per channel
    filt = slots.required_input(model, op, slots.FILTER)
    k_h, k_w = filt.shape[1], filt.shape[2]
    g = window.model_window(model, op, k_h, k_w)
    in_c = inp.shape[3]
    if op.name == "CONV_2D":
        one_by_one = k_h == 1 and k_w == 1 and g.pad_h == 0 and g.pad_w == 0 and g.dilation_h == 1 and g.dilation_w == 1
        if one_by_one:
            return 0  # GCC builds of the 1x1 kernels take no buffer
        return 2 * _align4(k_h * k_w * filt.shape[3]) * 2  # two int16 im2col columns
    out_c = slots.output_tensor(model, op).shape[3]
    if in_c != out_c or inp.shape[0] != 1 or g.dilation_h != 1 or g.dilation_w != 1:
        return 0  # the generic depthwise kernel takes no buffer
    if k_h == 3 and k_w == 3 and g.pad_h <= 1 and g.pad_w <= 1:
        return 0  # the 3x3 kernel takes none either
    return in_c * k_h * k_w * 2


def persistent_bytes(model: Model) -> int:
    """What TFLM certainly keeps in the arena's persistent part for this model."""
    total = EVAL_TENSOR_BYTES * len(model.tensors)  # every subgraph's tensors (TFLM allocates them all)
    if uses_resources(model):  # resource variables' buffers (persistent, 4-byte aligned at the least)
        total += sum(_align4(v.bytes) for v in resolve_resources(model).variables)
    for op in executed_operators(model):
        if op.name in ("CONV_2D", "DEPTHWISE_CONV_2D"):
            inp = slots.required_input(model, op, slots.INPUT)
            if inp.dtype in _QUANTIZED:
                total += PER_CHANNEL_BYTES * slots.output_tensor(model, op).shape[-1]
    return total


def tflm_arena_lower_bound(model: Model) -> int:
    """Bytes of arena TFLM + CMSIS-NN needs for `model` at the least (see the module docstring)."""
    scratch = {op.index: size for op in executed_operators(model) if (size := cmsis_nn_scratch_bytes(model, op)) > 0}
    return planned_bytes(model, scratch) + persistent_bytes(model)
