"""SVDF (the keyword models' singular value decomposition filter), checked as TFLM's PrepareSvdf
checks it and run as its reference kernels run it:

- int8 input and weights_feature, int16 or int8 weights_time and state (the same type: TFLM reads
  the state as weights_time's type), int32 bias (required: TFLM's int8 Prepare reads its scale),
  int8 output; no fused activation (TFLM's integer kernel applies none);
- float32, the fused activation NONE, RELU, RELU_N1_TO_1 or RELU6.

The bias is required: TFLM's kernel allows an absent one, but its Prepare then frees a tensor it
never got and crashes (validate() refuses it through the operand counts).

The state (input 4) is a variable tensor: it keeps its values from one inference to the next and
starts as TFLM's AllocateTensors leaves it (the zero point for int8, else 0; codegen.py), just as
the host TFLM the bench compares with keeps it across the samples of a run.

MACs: batches x num_filters x (input_size + memory_size).

The optimized set runs the int8 forms as a ring (variant "dsp ring", svdf/svdf_ring_impl.h): the
state is not shifted each inference; a slot index kept beside it (a static int32 of the layer,
zeroed whenever the variable tensors are reset) says where each filter's oldest value is, the
newest value goes there and the time weights, stored twice in a row, are read from the offset
that lines them up with the ring. The feature weights are expanded to int16 (tb_dsp_gemm.h's
layout) with the input zero point folded into per-filter starting sums, and the state zero
point into the bias. It needs constant weights and bias and a state no other operator touches;
otherwise (or with the int8 weight layout, --optimize size) the shifting "dsp" kernels run.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import partial

import numpy as np

from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from ..options import KernelSet
from ..quantization import quantize_multiplier
from . import checks, slots
from .add_sub_common import quant_field, scale_zp, unsupported
from .c_emit import CBuffer, CStruct, EmitContext, Layer, layer
from .conv_common import dsp_weights
from .layer_plan import LayerPlan, PlanContext, Planned, Variant, int_constant, single
from .registry import OpHandler, Operands
from .shape_common import input_constant, source_pointer

HEADER = "svdf/tb_svdf.h"

INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME, BIAS, STATE = range(5)
ROLES = ("input", "weights_feature", "weights_time", "bias", "activation_state")
BIAS_SCALE_TOLERANCE = 1e-5  # TFLM: |bias scale - state scale x weights_time scale| < 1e-5
FLOAT_ACTIVATIONS = {"NONE": ("-INFINITY", "INFINITY"), "RELU": ("0.0f", "INFINITY"),
                     "RELU_N1_TO_1": ("-1.0f", "1.0f"), "RELU6": ("0.0f", "6.0f")}


@dataclass(frozen=True)
class SvdfDims:
    batches: int
    input_size: int
    num_filters: int
    rank: int
    memory_size: int

    @property
    def units(self) -> int:
        return self.num_filters // self.rank


@dataclass(frozen=True)
class SvdfQuant:
    """int8 SVDF: TFLM's effective_scale_1 (feature -> state) and effective_scale_2 (-> output)."""

    feature_multiplier: int
    feature_shift: int
    output_multiplier: int
    output_shift: int
    input_zero_point: int
    state_zero_point: int
    output_zero_point: int


def _tensor(model: Model, op: Operator, slot: int) -> Tensor | None:
    index = op.inputs[slot]
    return None if index == -1 else model.tensors[index]


def _required(model: Model, op: Operator, slot: int) -> Tensor:
    tensor = _tensor(model, op, slot)
    assert tensor is not None, f"operator #{op.index} SVDF has no {ROLES[slot]}; validate() first"
    return tensor


def _dims(model: Model, op: Operator) -> SvdfDims:
    inp, feature, time = (_required(model, op, s) for s in (INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME))
    return SvdfDims(inp.shape[0], inp.shape[1], feature.shape[0], int(op.options.get("rank", 0)), time.shape[1])


def _malformed(op: Operator, problem: str) -> MalformedModelError:
    return MalformedModelError(f"operator #{op.index} SVDF: {problem} (TFLM's Prepare refuses it)")


def check(model: Model, op: Operator) -> None:
    inp, feature, time, state = (_required(model, op, s) for s in (INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME, STATE))
    bias = _tensor(model, op, BIAS)
    out = checks.required(model, op, 0, "output")
    for slot, tensor in ((INPUT, inp), (WEIGHTS_FEATURE, feature), (WEIGHTS_TIME, time), (STATE, state)):
        if len(tensor.shape) != 2:
            raise _malformed(op, f"its {ROLES[slot]} has shape {list(tensor.shape)}; it must be 2-D")
    if len(out.shape) != 2:
        raise _malformed(op, f"its output has shape {list(out.shape)}; it must be 2-D")
    rank = int(op.options.get("rank", 0))
    if rank < 1 or feature.shape[0] % rank:
        raise _malformed(op, f"rank {rank} does not divide the {feature.shape[0]} filters (rank must be >= 1)")
    d = _dims(model, op)
    expected = {
        "weights_feature": (list(feature.shape), [d.num_filters, d.input_size]),
        "weights_time": (list(time.shape), [d.num_filters, d.memory_size]),
        "activation_state": (list(state.shape), [d.batches, d.memory_size * d.num_filters]),
        "output": (list(out.shape), [d.batches, d.units]),
    }
    for role, (actual, wanted) in expected.items():
        if actual != wanted:
            raise _malformed(op, f"its {role} has shape {actual}; with input {list(inp.shape)}, {d.num_filters} "
                                 f"filters of rank {rank} and memory {d.memory_size} it must be {wanted}")
    if bias is not None and (not bias.shape or bias.shape[0] != d.units):
        raise _malformed(op, f"its bias has shape {list(bias.shape)}; its first dimension must be the {d.units} units")
    if not state.is_variable:
        raise _malformed(op, f"its activation_state (tensor {state.index} '{state.name}') is not a variable tensor")
    if inp.dtype == "int8":
        _check_int8(model, op, inp, feature, time, bias, state, out)
    elif inp.dtype == "float32":
        for role, tensor in (("weights_feature", feature), ("weights_time", time), ("activation_state", state),
                             ("output", out), *((("bias", bias),) if bias is not None else ())):
            checks.expect_dtype(op, tensor, role, ("float32",))
        activation = str(op.options.get("fused_activation_function", "NONE"))
        if activation not in FLOAT_ACTIVATIONS:
            raise unsupported(op, f"fused activation {activation} (supported: {', '.join(FLOAT_ACTIVATIONS)})")
    else:
        checks.expect_dtype(op, inp, "input", ("int8", "float32"))


def _check_int8(model: Model, op: Operator, inp: Tensor, feature: Tensor, time: Tensor, bias: Tensor | None,
                state: Tensor, out: Tensor) -> None:
    checks.expect_dtype(op, feature, "weights_feature", ("int8",))
    checks.expect_dtype(op, time, "weights_time", ("int16", "int8"))
    checks.expect_dtype(op, state, "activation_state", ("int16", "int8"))
    checks.expect_dtype(op, out, "output", ("int8",))
    if state.dtype != time.dtype:
        raise UnsupportedTensorError(
            state.name, state.dtype,
            f"SVDF (operator #{op.index}) activation_state is {state.dtype} but weights_time is {time.dtype}; TFLM "
            "reads the state as weights_time's type, so both must be int16 or both int8 (re-export the model)",
        )
    assert bias is not None  # the operand counts require it
    checks.expect_dtype(op, bias, "bias", ("int32",))
    for role, tensor in (("input", inp), ("weights_feature", feature), ("weights_time", time), ("bias", bias),
                         ("activation_state", state), ("output", out)):
        checks.expect_per_tensor(op, tensor, role)
    state_scale, time_scale = np.float32(scale_zp(state)[0]), np.float32(scale_zp(time)[0])
    product = float(np.float32(state_scale * time_scale))
    if not abs(scale_zp(bias)[0] - product) < BIAS_SCALE_TOLERANCE:
        raise UnsupportedTensorError(
            bias.name, bias.dtype,
            f"SVDF (operator #{op.index}) bias scale {scale_zp(bias)[0]:.9g} differs from activation_state scale x "
            f"weights_time scale = {product:.9g} by 1e-5 or more; TFLM refuses such a bias (re-export the model)",
        )
    _quant(model, op)


def _quant(model: Model, op: Operator) -> SvdfQuant:
    inp, feature, time, state = (_required(model, op, s) for s in (INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME, STATE))
    out = model.tensors[op.outputs[0]]
    f32 = np.float32
    # TFLM computes both effective scales in float, then widens them to double.
    scale_1 = float(f32(f32(f32(scale_zp(inp)[0]) * f32(scale_zp(feature)[0])) / f32(scale_zp(state)[0])))
    scale_2 = float(f32(f32(f32(scale_zp(state)[0]) * f32(scale_zp(time)[0])) / f32(scale_zp(out)[0])))
    m1, s1 = quantize_multiplier(scale_1)
    m2, s2 = quantize_multiplier(scale_2)
    for name, shift in (("feature", s1), ("output", s2)):
        if not -31 <= shift <= 31:
            raise unsupported(op, f"a {name} rescaling needing shift {shift} (outside -31..31)")
    return SvdfQuant(m1, s1, m2, s2, scale_zp(inp)[1], scale_zp(state)[1], scale_zp(out)[1])


def plan(ctx: PlanContext, op: Operator) -> Planned:
    constants = ()
    for slot in (INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME, BIAS):
        if op.inputs[slot] != -1:
            constants += input_constant(ctx.model, op.inputs[slot], f"tb_l{op.index}_{ROLES[slot]}",
                                        f"Layer {op.index}: SVDF {ROLES[slot]}")
    q = _quant(ctx.model, op) if ctx.input(op).dtype == "int8" else None
    return Planned(q, constants)


def emit(ctx: EmitContext, plan: LayerPlan, suffix: str = "") -> Layer:
    """The kernel call; `suffix` "_dsp" picks the optimized set's int8 kernels."""
    op, prefix, q = plan.op, plan.prefix, plan.params
    d = _dims(ctx.model, op)
    dims = (f"{{.batches = {d.batches}, .input_size = {d.input_size}, .num_filters = {d.num_filters}, "
            f".rank = {d.rank}, .memory_size = {d.memory_size}}}")
    state = ctx.model.tensors[op.inputs[STATE]]
    if q is None:
        low, high = FLOAT_ACTIVATIONS[str(op.options.get("fused_activation_function", "NONE"))]
        params = CStruct("tb_svdf_f32_params_t", f"{prefix}_params", (
            ("dims", dims), ("activation_min", low), ("activation_max", high)))
        function = "tb_svdf_f32"
    else:
        params = CStruct("tb_svdf_s8_params_t", f"{prefix}_params", (
            ("dims", dims),
            ("input_zero_point", str(q.input_zero_point)),
            ("state_zero_point", str(q.state_zero_point)),
            ("output_zero_point", str(q.output_zero_point)),
            ("feature_quant", quant_field(q.feature_multiplier, q.feature_shift)),
            ("output_quant", quant_field(q.output_multiplier, q.output_shift)),
        ))
        function = ("tb_svdf_s8_s16" if state.dtype == "int16" else "tb_svdf_s8") + suffix
    operands = []
    for slot in (INPUT, WEIGHTS_FEATURE, WEIGHTS_TIME, BIAS):
        index = op.inputs[slot]
        operands.append("NULL" if index == -1 else source_pointer(ctx, index, f"{prefix}_{ROLES[slot]}"))
    args = (f"&{params.name}", *operands, ctx.arena_pointer(state.index, const=False),
            ctx.arena_pointer(op.outputs[0], const=False))
    return layer(plan, function, args, (params,), HEADER)


def macs(model: Model, op: Operator) -> int:
    d = _dims(model, op)
    return d.batches * d.num_filters * (d.input_size + d.memory_size)


def _int8(model: Model, op: Operator) -> bool:
    return slots.required_input(model, op, slots.INPUT).dtype == "int8"


def _wrap32(values: np.ndarray) -> np.ndarray:
    """int64 values as the int32 they are modulo 2^32 (the kernels' sums wrap like TFLM's)."""
    return (np.asarray(values, dtype=np.int64) + 2**31) % 2**32 - 2**31


def _ring_applies(model: Model, op: Operator) -> bool:
    """int8 with constant weights and bias, at least one filter and one input value, and a state
    only this operator reads or writes (the ring's order of the state is this kernel's own)."""
    if not _int8(model, op):
        return False
    d = _dims(model, op)
    if d.num_filters < 1 or d.input_size < 1 or d.batches < 1:
        return False
    if any(op.inputs[s] == -1 or not model.tensors[op.inputs[s]].is_constant for s in (WEIGHTS_FEATURE, WEIGHTS_TIME,
                                                                                      BIAS)):
        return False
    state = op.inputs[STATE]
    users = [o for o in model.all_operators if state in o.inputs or state in o.outputs]
    return users == [op] and state not in model.inputs and state not in model.outputs


def plan_ring(ctx: PlanContext, op: Operator) -> Planned:
    """The ring kernel's flash constants: int16 feature weights in groups of 4 filters with their
    starting sums (-input zero point x row sum), the time weights twice per row, and the bias
    with -state zero point x the time weights' sum of each unit folded in."""
    model = ctx.model
    d, q = _dims(model, op), _quant(model, op)
    prefix, where = f"tb_l{op.index}", f"Layer {op.index}: SVDF"
    feature = np.asarray(_required(model, op, WEIGHTS_FEATURE).data, dtype=np.int64).reshape(d.num_filters,
                                                                                             d.input_size)
    time_tensor = _required(model, op, WEIGHTS_TIME)
    time = np.asarray(time_tensor.data, dtype=np.int64).reshape(d.num_filters, d.memory_size)
    bias = np.asarray(_required(model, op, BIAS).data, dtype=np.int64).reshape(-1)[: d.units]
    filters4 = -(-d.num_filters // 4) * 4
    starts = np.zeros(max(filters4, 4), dtype=np.int64)
    starts[: d.num_filters] = _wrap32(-q.input_zero_point * feature.sum(axis=1))
    unit_sums = time.reshape(d.units, d.rank * d.memory_size).sum(axis=1)
    time_ctype = "int16_t" if time_tensor.dtype == "int16" else "int8_t"
    layout = dsp_weights(feature.reshape(d.num_filters, 1, d.input_size))
    constants = (
        int_constant(f"{prefix}_feature_dsp", "int16_t", layout,
                     f"{where} weights_feature, int16 in groups of 4 filters (k0, k2, k1, k3)", 16, 6),
        int_constant(f"{prefix}_feature_start", "int32_t", starts,
                     f"{where} per filter: -input zero point x its weights' sum (mod 2^32)", 8, 11),
        int_constant(f"{prefix}_time_ring", time_ctype, np.concatenate([time, time], axis=1),
                     f"{where} weights_time, each row twice (the ring's weights start memory_size - slot in)",
                     16, 6),
        int_constant(f"{prefix}_unit_bias", "int32_t", _wrap32(bias - q.state_zero_point * unit_sums),
                     f"{where} bias - state zero point x each unit's time weights' sum (mod 2^32)", 8, 11),
    )
    constants += input_constant(model, op.inputs[INPUT], f"{prefix}_input", f"{where} input")
    return Planned(q, constants)


def emit_ring(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, prefix, q = plan.op, plan.prefix, plan.params
    d = _dims(ctx.model, op)
    state = ctx.model.tensors[op.inputs[STATE]]
    ring = CBuffer("int32_t", f"{prefix}_ring", 1,
                   "ring slot of each filter's oldest state value, kept across inferences", reset=True)
    params = CStruct("tb_svdf_ring_params_t", f"{prefix}_params", (
        ("dims", f"{{.batches = {d.batches}, .input_size = {d.input_size}, .num_filters = {d.num_filters}, "
                 f".rank = {d.rank}, .memory_size = {d.memory_size}}}"),
        ("state_zero_point", str(q.state_zero_point)),
        ("output_zero_point", str(q.output_zero_point)),
        ("feature_quant", quant_field(q.feature_multiplier, q.feature_shift)),
        ("output_quant", quant_field(q.output_multiplier, q.output_shift)),
    ))
    function = "tb_svdf_s8_s16_ring_dsp" if state.dtype == "int16" else "tb_svdf_s8_ring_dsp"
    args = (f"&{params.name}", source_pointer(ctx, op.inputs[INPUT], f"{prefix}_input"), f"{prefix}_feature_dsp",
            f"{prefix}_feature_start", f"{prefix}_time_ring", f"{prefix}_unit_bias",
            ctx.arena_pointer(state.index, const=False), ring.name, ctx.arena_pointer(op.outputs[0], const=False))
    made = layer(plan, function, args, (params,), HEADER)
    return dataclasses.replace(made, buffers=(ring,))


VARIANTS = (
    Variant("dsp ring", KernelSet.OPTIMIZED, plan_ring, emit_ring, applies=_ring_applies, expands_weights=True),
    Variant("dsp", KernelSet.OPTIMIZED, plan, partial(emit, suffix="_dsp"), applies=_int8),
    *single(emit, plan),
)

HANDLERS = (OpHandler(
    "SVDF", check, VARIANTS, macs,
    "int8 with int16 or int8 state (no fused activation, as TFLM), float32 (NONE, RELU, RELU_N1_TO_1, "
    "RELU6); bias required; the state persists across inferences",
    Operands(5, 5, roles=ROLES, absent_note="the pinned tflite-micro crashes (segfault) on an absent SVDF bias: "
             "its Prepare frees the bias it did not get"), max_version=4,
    type_configs=("int8", "int8 (int16 weights_time)", "float32")),)
