"""Checks and emitted constants shared by CONV_2D and DEPTHWISE_CONV_2D (int8 and float32)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..conv_quant import ConvQuant, conv_quant, float_activation_range
from ..errors import UnsupportedTensorError
from ..quantization import QuantParamError
from ..model import Model, Operator, Tensor
from . import checks, slots, window
from .dsp_requant import LIMIT_ADDEND, rounding_word
from .c_emit import C_TYPES, CStruct, EmitContext, Layer, c_float, comment_text, dims_fields, layer, shape_text
from .layer_plan import Constant, LayerPlan, PlanContext, Planned, float_constant, int_constant

# The (filter, bias types, output) types of each supported kernel, keyed by the input type.
# 16x8: int16 activations, int8 weights, an int64 bias (TFLM's 64-bit accumulator) or, where TFLM
# accepts one, an int32 bias (its 32-bit accumulator).
KERNEL_TYPES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "int8": ("int8", ("int32",), "int8"),
    "int16": ("int8", ("int64", "int32"), "int16"),
    "float32": ("float32", ("float32",), "float32"),
}
QUANTIZED = ("int8", "int16")
# TFLM's 64-bit MultiplyByQuantizedMultiplier takes shifts up to 7 (a multiplier below 2^7).
SHIFT_MAX_64 = 7


def accumulates_32(op: Operator, bias: Tensor | None) -> bool:
    """16x8 only: whether TFLM accumulates in 32 bits (an int32 bias, or no bias and the option
    quantized_bias_type INT32) rather than 64."""
    if bias is not None:
        return bias.dtype == "int32"
    return str(op.options.get("quantized_bias_type", "FLOAT32")) == "INT32"


@dataclass(frozen=True)
class ConvTensors:
    inp: Tensor
    filt: Tensor
    bias: Tensor | None
    out: Tensor


def check_tensors(model: Model, op: Operator) -> ConvTensors:
    """Roles, ranks, types and constness common to both ops."""
    inp = checks.required(model, op, slots.INPUT, "input")
    filt = checks.required(model, op, slots.FILTER, "filter")
    bias = checks.tensor(model, op, slots.BIAS, "bias", optional=True)
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", tuple(KERNEL_TYPES))
    filter_dtype, bias_dtypes, out_dtype = KERNEL_TYPES[inp.dtype]
    checks.expect_dtype(op, filt, "filter", (filter_dtype,))
    checks.expect_dtype(op, out, "output", (out_dtype,))
    if bias is not None:
        checks.expect_dtype(op, bias, "bias", bias_dtypes)
    for t, role in ((inp, "input"), (filt, "filter"), (out, "output")):
        window.expect_rank4(op, t, role)
    checks.expect_not_constant(op, inp, "input")
    if not filt.is_constant:
        raise UnsupportedTensorError(filt.name, filt.dtype, f"{op.name} (operator #{op.index}) needs a constant filter")
    return ConvTensors(inp, filt, bias, out)


def check_bias(op: Operator, bias: Tensor | None, channels: int) -> None:
    # 1-D as TFLite's reference kernels require (NumDimensions(bias) == 1); TFLM only counts.
    if bias is not None and (not bias.is_constant or bias.shape != (channels,)):
        raise UnsupportedTensorError(
            bias.name, bias.dtype,
            f"{op.name} (operator #{op.index}) needs a constant 1-D bias of {channels} values, got shape "
            f"{list(bias.shape)}",
        )


def check_quantization(op: Operator, t: ConvTensors, channels: int, channel_dim: int, activation: str,
                       acc32_allowed: bool = True) -> None:
    """int8 and 16x8: per-tensor input/output, a filter quantized per tensor or along
    `channel_dim` with zero points 0, and rescaling multipliers the fixed-point code can apply
    (16x8 with a 64-bit accumulator: TFLM's 64-bit rescaling, shifts up to 7)."""
    if t.inp.dtype not in QUANTIZED:
        return
    checks.expect_per_tensor(op, t.inp, "input")
    checks.expect_per_tensor(op, t.out, "output")
    fq = t.filt.quantization
    if fq is None:
        raise UnsupportedTensorError(t.filt.name, t.filt.dtype, f"{op.name} (operator #{op.index}) filter is not quantized")
    checks.expect_positive_scales(op, t.filt, "filter")
    if fq.per_channel and (len(fq.scales) != channels or fq.quantized_dimension != channel_dim):
        raise UnsupportedTensorError(
            t.filt.name, t.filt.dtype,
            f"{op.name} (operator #{op.index}) per-channel filter needs {channels} scales along dimension "
            f"{channel_dim}, got {len(fq.scales)} along dimension {fq.quantized_dimension}",
        )
    if any(z != 0 for z in fq.zero_points):
        # TFLM's int8 convolutions ignore the filter zero point; the int8 quantization spec fixes it at 0.
        raise UnsupportedTensorError(
            t.filt.name, t.filt.dtype,
            f"{op.name} (operator #{op.index}) int8 filters must have zero points 0 (symmetric weights), "
            f"got {sorted(set(fq.zero_points))}",
        )
    try:
        quant = derive_quant(t, activation, channels)
    except QuantParamError as exc:
        raise checks.quantization_refused(op, t.out, exc) from None
    if t.inp.dtype == "int16" and not (acc32_allowed and accumulates_32(op, t.bias)):
        check_shifts_64(op, t.out, quant.shifts)
    bad = [c for c, s in enumerate(quant.shifts) if s > 31]
    if bad:
        raise UnsupportedTensorError(
            t.out.name, t.out.dtype,
            f"{op.name} (operator #{op.index}) output channel {bad[0]} needs a rescaling multiplier of 2^"
            f"{quant.shifts[bad[0]] - 1} or more (input scale x filter scale / output scale); "
            "the fixed-point rescaling supports less than 2^31",
        )


def check_shifts_64(op: Operator, out: Tensor, shifts: Sequence[int]) -> None:
    """TFLM's 64-bit rescaling (16x8 with an int64 bias) is defined for shifts up to 7 only."""
    bad = [c for c, s in enumerate(shifts) if s > SHIFT_MAX_64]
    if bad:
        raise UnsupportedTensorError(
            out.name, out.dtype,
            f"{op.name} (operator #{op.index}) output channel {bad[0]} needs a rescaling multiplier of 2^"
            f"{shifts[bad[0]] - 1} or more (input scale x filter scale / output scale); TFLM's 64-bit "
            f"rescaling of 16x8 layers supports less than 2^{SHIFT_MAX_64} (raise the output scale)",
        )


def tensors(model: Model, op: Operator) -> ConvTensors:
    """The input, filter, bias (None when absent) and output of a validated layer."""
    return ConvTensors(slots.required_input(model, op, slots.INPUT), slots.required_input(model, op, slots.FILTER),
                       slots.input_tensor(model, op, slots.BIAS), slots.output_tensor(model, op))


def activation_field(quant: ConvQuant) -> tuple[str, str]:
    """The clamp range of the fused activation (int8 or int16)."""
    return ("activation", f"{{.min = {quant.activation_min}, .max = {quant.activation_max}}}")


@dataclass(frozen=True)
class ConvLayer:
    """The plan of a convolution's reference kernel (and the common part of the others)."""

    t: ConvTensors
    geometry: window.Window
    activation: str
    channels: int  # output channels
    quant: ConvQuant | None  # int8 and 16x8 only
    acc32: bool = False  # 16x8: TFLM's 32-bit accumulator (int32 bias)


def plan_layer(model: Model, op: Operator, channels: int, acc32_allowed: bool = True) -> ConvLayer:
    """Tensors, window (the filter is [., kh, kw, .] in both ops), fused activation, quantization;
    `acc32_allowed` False: the op's 16x8 kernel always accumulates in 64 bits (DEPTHWISE_CONV_2D)."""
    t = tensors(model, op)
    _, k_h, k_w, _ = t.filt.shape
    activation = str(op.options.get("fused_activation_function", "NONE"))
    quant = derive_quant(t, activation, channels) if t.inp.dtype in QUANTIZED else None
    acc32 = acc32_allowed and t.inp.dtype == "int16" and accumulates_32(op, t.bias)
    return ConvLayer(t, window.model_window(model, op, k_h, k_w), activation, channels, quant, acc32)


def plan_reference(ctx: PlanContext, op: Operator, channels: int, acc32_allowed: bool = True) -> Planned:
    """Filter and bias typed like the tensors, then (int8, 16x8) the per-channel multipliers and
    shifts."""
    conv = plan_layer(ctx.model, op, channels, acc32_allowed)
    constants = reference_constants(op, conv.t)
    if conv.quant is not None:
        constants += quant_constants(op, conv.quant)
    return Planned(conv, constants)


def emit_reference(
    ctx: EmitContext, plan: LayerPlan, stem: str, params_type: str, extra: tuple[tuple[str, str], ...], header: str,
) -> Layer:
    """The reference kernel's call `{stem}_s8` / `{stem}_s16` / `{stem}_s16_acc32` / `{stem}_f32`:
    params ({params_type}_params_t or
    _f32_params_t, `extra` fields after the offsets), quant (int8), then dims and data of input,
    filter, bias and output."""
    conv: ConvLayer = plan.params
    prefix = plan.prefix
    structs: list[CStruct] = []
    if conv.quant is not None:
        structs.append(CStruct(f"{params_type}_params_t", f"{prefix}_params", (
            ("input_offset", str(conv.quant.input_offset)),
            ("output_offset", str(conv.quant.output_offset)),
            *extra,
            *window.window_fields(conv.geometry),
            activation_field(conv.quant),
        )))
        structs.append(CStruct("tb_per_channel_quant_t", f"{prefix}_quant",
                               (("multiplier", f"{prefix}_multipliers"), ("shift", f"{prefix}_shifts"))))
        kind = {"int8": "s8", "int16": "s16_acc32" if conv.acc32 else "s16"}[conv.t.inp.dtype]
        function, quant_args = f"{stem}_{kind}", (f"&{prefix}_quant",)
    else:
        structs.append(CStruct(f"{params_type}_f32_params_t", f"{prefix}_params", (
            *extra,
            *window.window_fields(conv.geometry),
            float_activation_fields(conv.activation),
        )))
        function, quant_args = f"{stem}_f32", ()
    t = conv.t
    structs += dims_structs(prefix, (("input", t.inp.shape), ("filter", t.filt.shape),
                                     ("bias", (1, 1, 1, conv.channels)), ("output", t.out.shape)))
    args = (
        f"&{prefix}_params", *quant_args,
        f"&{prefix}_input_dims", ctx.arena_pointer(t.inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter",
        f"&{prefix}_bias_dims", bias_arg(prefix, t.bias),
        f"&{prefix}_output_dims", ctx.arena_pointer(t.out.index, const=False),
    )
    return layer(plan, function, args, structs, header)


def dims_structs(prefix: str, shapes: Sequence[tuple[str, Sequence[int]]]) -> list[CStruct]:
    """One compact tb_dims_t per (role, NHWC shape)."""
    return [CStruct("tb_dims_t", f"{prefix}_{role}_dims", dims_fields(*shape), True) for role, shape in shapes]


def bias_arg(prefix: str, bias: Tensor | None) -> str:
    return "NULL" if bias is None else f"{prefix}_bias"


def derive_quant(t: ConvTensors, activation: str, channels: int) -> ConvQuant:
    assert t.inp.quantization and t.filt.quantization and t.out.quantization
    return conv_quant(t.inp.quantization, t.filt.quantization, t.out.quantization, activation, channels,
                      t.out.dtype)


def float_activation_fields(activation: str) -> tuple[str, str]:
    lo, hi = float_activation_range(activation)
    return ("activation", f"{{.min = {c_float(lo)}, .max = {c_float(hi)}}}")


def reference_constants(op: Operator, t: ConvTensors) -> tuple[Constant, ...]:
    """The filter and bias arrays, typed like the tensors."""
    where = f"Layer {op.index}: {op.name}"
    prefix = f"tb_l{op.index}"
    found = [tensor_constant(f"{prefix}_filter", t.filt, f"{where} filter", 16, 4)]
    if t.bias is not None:
        found.append(tensor_constant(f"{prefix}_bias", t.bias, f"{where} bias", 8, 11))
    return tuple(found)


def tensor_constant(name: str, tensor: Tensor, what: str, per_line: int, width: int) -> Constant:
    """A constant tensor's values as they are (int8 / int32 / int64 / float32)."""
    assert tensor.data is not None
    comment = comment_text(f"{what} '{tensor.name}' {shape_text(tensor)}")
    if tensor.dtype == "float32":
        return float_constant(name, tensor.data, comment)
    return int_constant(name, C_TYPES[tensor.dtype], tensor.data, comment, per_line, width)


def quant_constants(op: Operator, quant: ConvQuant) -> tuple[Constant, ...]:
    """Per-channel multiplier and shift arrays (tb_per_channel_quant_t points at them)."""
    return channel_quant_constants(f"Layer {op.index}: {op.name}", f"tb_l{op.index}", quant.multipliers, quant.shifts)


def channel_quant_constants(where: str, prefix: str, multipliers: Sequence[int],
                            shifts: Sequence[int]) -> tuple[Constant, ...]:
    return tuple(int_constant(f"{prefix}_{name}", "int32_t", values, f"{where} per-channel output {name}", 8, 11)
                 for name, values in (("multipliers", multipliers), ("shifts", shifts)))


# ---- Optimized (DSP) int8 kernels: weight layout, folded bias, requantization constants ----

FAST_ACC_LIMIT = 1 << 29  # |acc| bound below which the kernels may rescale with one SMMULR


def dsp_weights(weights: np.ndarray) -> np.ndarray:
    """int16 layout of common/tb_dsp_gemm.h for weights [channels, runs, run length].

    Channels in groups of 4 (padded with zero channels), each run's length padded to a multiple
    of 4; result [group][run][quad][channel of 4][k0, k2, k1, k3], flattened."""
    w = np.asarray(weights, dtype=np.int16)
    channels, runs, length = w.shape
    c4, l4 = -(-channels // 4) * 4, -(-length // 4) * 4
    padded = np.zeros((c4, runs, l4), dtype=np.int16)
    padded[:channels, :, :length] = w
    blocks = padded.reshape(c4 // 4, 4, runs, l4 // 4, 4)[..., [0, 2, 1, 3]]
    return blocks.transpose(0, 2, 3, 1, 4).reshape(-1)


@dataclass(frozen=True)
class DspConstants:
    """Folded per-channel constants of an optimized kernel."""

    bias: np.ndarray  # int64 [channels rounded up to 4]: bias + input_offset * sum(weights)
    tap_correction: np.ndarray | None  # int64 [runs, channels rounded up to 4], or None
    fast: bool


def dsp_constants(
    weights: np.ndarray, bias: np.ndarray | None, input_offset: int, shifts: tuple[int, ...], corrections: bool
) -> DspConstants:
    """weights [channels, runs, run length] (int): folded bias, per-run padding corrections
    (-input_offset x that run's weight sum, added by the direct kernel for a run in the padding)
    and whether the SMMULR rescaling is exact for every reachable accumulator (inputs in
    -128..127: |acc| <= |bias'| + sum |corrections| + 128 x sum |w| < 2^29, shifts -31..-1)."""
    w = np.asarray(weights, dtype=np.int64)
    channels = w.shape[0]
    c4 = -(-channels // 4) * 4
    # TFLM reads a bias as flat data; its shape (e.g. [n, 1]) does not matter, only its count.
    base = np.zeros(channels, dtype=np.int64) if bias is None else np.asarray(bias, dtype=np.int64).reshape(-1)
    folded = np.zeros(c4, dtype=np.int64)
    folded[:channels] = base + input_offset * w.sum(axis=(1, 2))
    correction = None
    bound = np.abs(folded[:channels]) + 128 * np.abs(w).sum(axis=(1, 2))
    if corrections and input_offset != 0:
        correction = np.zeros((w.shape[1], c4), dtype=np.int64)
        correction[:, :channels] = (-input_offset * w.sum(axis=2)).T
        bound = bound + np.abs(correction[:, :channels]).sum(axis=0)
    fast = bool(np.all(bound < FAST_ACC_LIMIT)) and all(-31 <= s <= -1 for s in shifts) and bool(
        np.all(np.abs(folded) < 2**31)
    )
    return DspConstants(folded, correction, fast)


@dataclass(frozen=True)
class DspRequant:
    """Requantization of an optimized kernel (tb_dsp_requant_t): fast SMMULR rescaling, and the
    packed per-group table when the SMMLAR addends cannot overflow."""

    fast: bool
    packed: bool


def dsp_plan(
    where: str, prefix: str, weights_layout: np.ndarray, consts: DspConstants,
    multipliers: Sequence[int], shifts: Sequence[int], output_offset: int,
) -> tuple[tuple[Constant, ...], DspRequant]:
    """The int16 weights, folded bias, multiplier and shift arrays of an optimized kernel.

    With the fast rescaling, a per-channel SMMLAR addend (dsp_requant.rounding_word: the rounding
    of RoundingDivideByPOT with the output zero point folded in) lets the kernel requantize with
    one SMMLAR, a shift and an SSAT; it is left out (NULL) where the addend could overflow."""
    constants = [
        int_constant(f"{prefix}_filter_dsp", "int16_t", weights_layout,
                     comment_text(f"{where} weights, int16 in groups of 4 channels (k0, k2, k1, k3)"), 16, 6),
        int_constant(f"{prefix}_bias_folded", "int32_t", consts.bias,
                     comment_text(f"{where} bias + input offset x sum of weights"), 8, 11),
        *channel_quant_constants(where, prefix, multipliers, shifts),
    ]
    # consts.fast implies every shift is in -31..-1, where the addend is defined.
    rounding = [rounding_word(s, output_offset) for s in shifts] if consts.fast else []
    packed = consts.fast and all(abs(r) + 1 < LIMIT_ADDEND for r in rounding)
    if packed:
        table = packed_requant(consts.bias, multipliers, rounding, [-s for s in shifts])
        constants.append(int_constant(f"{prefix}_requant4", "int32_t", table,
                                      f"{where} per group of 4 channels: folded biases, multipliers, SMMLAR "
                                      "addends 2^(e-1) + output offset x 2^e, right shifts e", 16, 11))
    return tuple(constants), DspRequant(consts.fast, packed)


def dsp_requant_fields(prefix: str, requant: DspRequant) -> tuple[tuple[str, str], ...]:
    """The fields of the tb_dsp_requant_t pointing at dsp_plan's arrays."""
    return (("bias", f"{prefix}_bias_folded"), ("multiplier", f"{prefix}_multipliers"),
            ("shift", f"{prefix}_shifts"), ("fast", "1" if requant.fast else "0"),
            ("packed", f"{prefix}_requant4" if requant.packed else "NULL"))


def packed_requant(
    bias: np.ndarray, multipliers: Sequence[int], rounding: Sequence[int], right_shifts: Sequence[int]
) -> np.ndarray:
    """tb_dsp_requant_t.packed: per group of 4 channels, 4 folded biases, 4 multipliers, 4 SMMLAR
    addends, 4 right shifts. Padding channels (never stored) get bias 0, multiplier 0, shift 1."""
    groups = -(-len(multipliers) // 4)
    table = np.zeros((groups, 4, 4), dtype=np.int64)
    table[:, 3, :] = 1
    for c, (m, r, e) in enumerate(zip(multipliers, rounding, right_shifts)):
        table[c // 4, 1:, c % 4] = (m, r, e)
    table[:, 0, :] = np.asarray(bias, dtype=np.int64)[: groups * 4].reshape(groups, 4)
    return table.reshape(-1)


def nested(fields: tuple[tuple[str, str], ...]) -> str:
    """A nested designated initialiser: {.a = x, .b = y}."""
    return "{" + ", ".join(f".{name} = {value}" for name, value in fields) + "}"
