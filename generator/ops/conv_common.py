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
from .c_emit import (CArray, CStruct, EmitContext, Layer, c_float, comment_text, dims_fields, float_rows, rows,
                     shape_text)

# The (input, filter, bias, output) types of each supported kernel, keyed by the input type.
KERNEL_TYPES: dict[str, tuple[str, str, str]] = {
    "int8": ("int8", "int32", "int8"),
    "float32": ("float32", "float32", "float32"),
}


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
    filter_dtype, bias_dtype, out_dtype = KERNEL_TYPES[inp.dtype]
    checks.expect_dtype(op, filt, "filter", (filter_dtype,))
    checks.expect_dtype(op, out, "output", (out_dtype,))
    if bias is not None:
        checks.expect_dtype(op, bias, "bias", (bias_dtype,))
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


def check_quantization(op: Operator, t: ConvTensors, channels: int, channel_dim: int, activation: str) -> None:
    """int8 only: per-tensor input/output, a filter quantized per tensor or along `channel_dim`
    with zero points 0, and rescaling multipliers the fixed-point code can apply."""
    if t.inp.dtype != "int8":
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
    bad = [c for c, s in enumerate(quant.shifts) if s > 31]
    if bad:
        raise UnsupportedTensorError(
            t.out.name, t.out.dtype,
            f"{op.name} (operator #{op.index}) output channel {bad[0]} needs a rescaling multiplier of 2^"
            f"{quant.shifts[bad[0]] - 1} or more (input scale x filter scale / output scale); "
            "the fixed-point rescaling supports less than 2^31",
        )


def emit_tensors(ctx: EmitContext, op: Operator) -> ConvTensors:
    """The input, filter, bias (None when absent) and output of a layer being emitted."""
    return ConvTensors(ctx.input(op), ctx.input(op, slots.FILTER), ctx.optional_input(op, slots.BIAS), ctx.output(op))


def activation_field(quant: ConvQuant) -> tuple[str, str]:
    """The int8 clamp range of the fused activation."""
    return ("activation", f"{{.min = {quant.activation_min}, .max = {quant.activation_max}}}")


def reference_layer(
    ctx: EmitContext, op: Operator, t: ConvTensors, channels: int, function: str, quant_args: tuple[str, ...],
    bias_arg: str, structs: list[CStruct], arrays: list[CArray], header: str,
) -> Layer:
    """The reference kernel's call: params, quant (int8), then dims and data of input, filter,
    bias and output; adds the tb_dims_t structs to `structs`."""
    prefix = f"tb_l{op.index}"
    for role, shape in (("input", t.inp.shape), ("filter", t.filt.shape), ("bias", (1, 1, 1, channels)),
                        ("output", t.out.shape)):
        structs.append(CStruct("tb_dims_t", f"{prefix}_{role}_dims", dims_fields(*shape), True))
    args = (
        f"&{prefix}_params", *quant_args,
        f"&{prefix}_input_dims", ctx.arena_pointer(t.inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter",
        f"&{prefix}_bias_dims", bias_arg,
        f"&{prefix}_output_dims", ctx.arena_pointer(t.out.index, const=False),
    )
    return Layer(op.index, op.name, op.index, function, args, tuple(structs), tuple(arrays), header)


def derive_quant(t: ConvTensors, activation: str, channels: int) -> ConvQuant:
    assert t.inp.quantization and t.filt.quantization and t.out.quantization
    return conv_quant(t.inp.quantization, t.filt.quantization, t.out.quantization, activation, channels)


def float_activation_fields(activation: str) -> tuple[str, str]:
    lo, hi = float_activation_range(activation)
    return ("activation", f"{{.min = {c_float(lo)}, .max = {c_float(hi)}}}")


def constant_arrays(ctx: EmitContext, op: Operator, t: ConvTensors, prefix: str) -> tuple[list[CArray], str]:
    """The filter and bias arrays (typed like the tensors) and the C expression for the bias argument."""
    where = f"Layer {op.index}: {op.name}"
    assert t.filt.data is not None
    if t.filt.dtype == "float32":
        filter_rows, ctype = float_rows(t.filt.data), "float"
    else:
        filter_rows, ctype = rows(t.filt.data, 16, 4), "int8_t"
    arrays = [CArray(f"{prefix}_filter", ctype, t.filt.num_elements, filter_rows,
                     comment_text(f"{where} filter '{t.filt.name}' {shape_text(t.filt)}"))]
    if t.bias is None:
        return arrays, "NULL"
    assert t.bias.data is not None
    if t.bias.dtype == "float32":
        bias_rows, ctype = float_rows(t.bias.data), "float"
    else:
        bias_rows, ctype = rows(t.bias.data, 8, 11), "int32_t"
    arrays.append(CArray(f"{prefix}_bias", ctype, t.bias.num_elements, bias_rows,
                         comment_text(f"{where} bias '{t.bias.name}' {shape_text(t.bias)}")))
    return arrays, f"{prefix}_bias"


def quant_constants(op: Operator, quant: ConvQuant, prefix: str) -> tuple[list[CArray], CStruct]:
    """Per-channel multiplier and shift arrays and the tb_per_channel_quant_t pointing at them."""
    where = f"Layer {op.index}: {op.name}"
    arrays = [
        CArray(f"{prefix}_{name}", "int32_t", len(values), rows(np.asarray(values, dtype=np.int64), 8, 11),
               f"{where} per-channel output {name}")
        for name, values in (("multipliers", quant.multipliers), ("shifts", quant.shifts))
    ]
    struct = CStruct("tb_per_channel_quant_t", f"{prefix}_quant",
                     (("multiplier", f"{prefix}_multipliers"), ("shift", f"{prefix}_shifts")))
    return arrays, struct


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


def dsp_arrays(
    where: str, prefix: str, weights_layout: np.ndarray, consts: DspConstants,
    multipliers: tuple[int, ...], shifts: tuple[int, ...], output_offset: int,
) -> tuple[list[CArray], tuple[tuple[str, str], ...]]:
    """The int16 weights, folded bias, multiplier and shift arrays of an optimized kernel, and the
    fields of its tb_dsp_requant_t.

    With the fast rescaling, a per-channel SMMLAR addend (dsp_requant.rounding_word: the rounding
    of RoundingDivideByPOT with the output zero point folded in) lets the kernel requantize with
    one SMMLAR, a shift and an SSAT; it is left out (NULL) where the addend could overflow."""
    arrays = [
        CArray(f"{prefix}_filter_dsp", "int16_t", len(weights_layout), rows(weights_layout, 16, 6),
               comment_text(f"{where} weights, int16 in groups of 4 channels (k0, k2, k1, k3)")),
        CArray(f"{prefix}_bias_folded", "int32_t", len(consts.bias), rows(consts.bias, 8, 11),
               comment_text(f"{where} bias + input offset x sum of weights")),
    ]
    for name, values in (("multipliers", multipliers), ("shifts", shifts)):
        arrays.append(CArray(f"{prefix}_{name}", "int32_t", len(values), rows(np.asarray(values, dtype=np.int64), 8, 11),
                             f"{where} per-channel output {name}"))
    # consts.fast implies every shift is in -31..-1, where the addend is defined.
    rounding = [rounding_word(s, output_offset) for s in shifts] if consts.fast else []
    folded = consts.fast and all(abs(r) + 1 < LIMIT_ADDEND for r in rounding)
    if folded:
        packed = packed_requant(consts.bias, multipliers, rounding, [-s for s in shifts])
        arrays.append(CArray(f"{prefix}_requant4", "int32_t", len(packed), rows(packed, 16, 11),
                             f"{where} per group of 4 channels: folded biases, multipliers, SMMLAR "
                             "addends 2^(e-1) + output offset x 2^e, right shifts e"))
    fields = (("bias", f"{prefix}_bias_folded"), ("multiplier", f"{prefix}_multipliers"),
              ("shift", f"{prefix}_shifts"), ("fast", "1" if consts.fast else "0"),
              ("packed", f"{prefix}_requant4" if folded else "NULL"))
    return arrays, fields


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
