"""Reductions over constant axes, with or without keep_dims, as TFLM's reduce kernels:

- MEAN and SUM, int8 and int16: TFLM's QuantizedMeanOrSum (exact int32 sum minus zero point x
  count, rescaled by s_in / s_out; for MEAN that multiplier is pre-divided by the element count),
  derived here at build time as TFLM's Prepare and Eval derive it.
- MEAN and SUM, float32: the reduced elements added in input order from 0, MEAN then divided by
  the count (TFLM's Mean and ReduceGeneric).
- REDUCE_MAX and REDUCE_MIN, float32 and int8 (int8 with equal input and output quantization,
  TFLM's rule): ReduceGeneric starting from the type's lowest / highest value.
- REDUCE_ALL, bool (the only type TFLM's EvalAllHelper takes): ReduceGeneric starting from true,
  each element and-ed in.

MACs: 0 (additions and comparisons only).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..elementwise_quant import MeanQuant, QuantParamError, mean_quant
from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from ..quantization import quantize_multiplier
from . import checks, slots
from .add_sub_common import REDUCE_MAX_RANK, c_int_list, quant_error, quant_field, scale_zp, unsupported
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs

HEADER = "reduce/tb_reduce.h"
_SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32", "bool": "bool"}


def resolve_axes(axes: np.ndarray, rank: int) -> list[int]:
    """Axes made non-negative, duplicates dropped, in first-seen order (TFLM's ResolveAxis)."""
    resolved: list[int] = []
    for axis in np.asarray(axes).reshape(-1).tolist():
        current = axis + rank if axis < 0 else axis
        if not 0 <= current < rank:
            raise ValueError(f"axis {axis} is outside a rank-{rank} input")
        if current not in resolved:
            resolved.append(current)
    return resolved


def reduce_layout(shape: tuple[int, ...], axes: list[int]) -> tuple[list[int], list[int], list[int], list[int]]:
    """Kept dims/strides and reduced dims/strides, each left-padded to REDUCE_MAX_RANK.

    Both lists keep the input's dimension order, so walking the reduced space row-major visits
    an output's elements in the order TFLM's Reduce adds them (it walks the whole input
    row-major), which float sums depend on."""
    strides = [0] * len(shape)
    step = 1
    for d in range(len(shape) - 1, -1, -1):
        strides[d] = step
        step *= shape[d]
    outer = [(shape[d], strides[d]) for d in range(len(shape)) if d not in axes]
    inner = [(shape[d], strides[d]) for d in range(len(shape)) if d in axes]

    def padded(pairs: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
        pad = [(1, 0)] * (REDUCE_MAX_RANK - len(pairs))
        full = pad + pairs
        return [p[0] for p in full], [p[1] for p in full]

    return (*padded(outer), *padded(inner))


@dataclass(frozen=True)
class _Kind:
    """What one reduction operator accepts and how it rescales."""

    dtypes: tuple[str, ...]
    rescaled: bool  # MEAN / SUM on integers: a QuantizedMeanOrSum multiplier
    divides: bool  # MEAN: the multiplier includes 1/count
    same_quant: bool  # REDUCE_MAX / MIN int8: TFLM requires equal input and output quantization


_KINDS = {
    "MEAN": _Kind(("int8", "int16", "float32"), rescaled=True, divides=True, same_quant=False),
    "SUM": _Kind(("int8", "int16", "float32"), rescaled=True, divides=False, same_quant=False),
    "REDUCE_MAX": _Kind(("int8", "float32"), rescaled=False, divides=False, same_quant=True),
    "REDUCE_MIN": _Kind(("int8", "float32"), rescaled=False, divides=False, same_quant=True),
    "REDUCE_ALL": _Kind(("bool",), rescaled=False, divides=False, same_quant=False),
}


def _axes(model: Model, op: Operator, inp: Tensor) -> list[int]:
    axis = checks.required(model, op, slots.AXIS, "axis")
    if axis.dtype != "int32" or not axis.is_constant:
        raise UnsupportedTensorError(
            axis.name, axis.dtype,
            f"{op.name} (operator #{op.index}) needs a constant int32 axis; make the axis a constant "
            "int32 tensor (TFLM reads int32 axes only)",
        )
    assert axis.data is not None
    try:
        return resolve_axes(axis.data, len(inp.shape))
    except ValueError as exc:
        raise MalformedModelError(f"operator #{op.index} {op.name}: {exc}") from None


def sum_quant(inp: Tensor, out: Tensor, count: int, divides: bool) -> MeanQuant:
    """QuantizedMeanOrSum's rescaling: s_in / s_out (Prepare's QuantizeMultiplier), for MEAN
    divided by the element count as its Eval does.

    Raises:
        QuantParamError: a shift outside -31..31 (the scales differ by more than 2^31).
    """
    s_in, z_in = scale_zp(inp)
    s_out, z_out = scale_zp(out)
    if divides:
        return mean_quant(s_in, z_in, s_out, z_out, count)
    multiplier, shift = quantize_multiplier(float(np.float32(s_in)) / float(np.float32(s_out)))
    if not -31 <= shift <= 31:
        raise QuantParamError(f"sum rescale shift {shift} outside -31..31")
    return MeanQuant(z_in, z_out, count, multiplier, shift)


def check(model: Model, op: Operator) -> None:
    kind = _KINDS[op.name]
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", kind.dtypes)
    checks.expect_dtype(op, out, "output", (inp.dtype,))
    checks.expect_not_constant(op, inp, "input")
    if inp.dtype not in ("float32", "bool"):
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
    if len(inp.shape) > REDUCE_MAX_RANK or any(d < 1 for d in inp.shape):
        raise unsupported(op, f"input shape {list(inp.shape)} (rank up to {REDUCE_MAX_RANK}, no empty dimensions)")
    axes = _axes(model, op, inp)
    kept = math.prod(d for i, d in enumerate(inp.shape) if i not in axes)
    if out.num_elements != kept:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} over axes {axes} of {list(inp.shape)} gives {kept} values, "
            f"but the output {list(out.shape)} holds {out.num_elements}"
        )
    if inp.dtype in ("float32", "bool"):
        return
    if kind.same_quant:
        s_in, z_in = scale_zp(inp)
        s_out, z_out = scale_zp(out)
        if np.float32(s_in) != np.float32(s_out) or z_in != z_out:
            raise UnsupportedTensorError(
                out.name, out.dtype,
                f"{op.name} (operator #{op.index}) int8 output quantization (scale {s_out}, zero point {z_out}) "
                f"differs from the input's (scale {s_in}, zero point {z_in}); TFLM's Eval requires them equal; "
                "re-export with the input's quantization on the output",
            )
        return
    count = math.prod(inp.shape[a] for a in axes)
    try:
        sum_quant(inp, out, count, kind.divides)
    except QuantParamError as exc:
        raise quant_error(op, exc) from None


def _shape_struct(prefix: str, inp: Tensor, axes: list[int]) -> CStruct:
    outer_dims, outer_strides, inner_dims, inner_strides = reduce_layout(inp.shape, axes)
    return CStruct("tb_reduce_shape_t", f"{prefix}_shape", (
        ("outer_dims", c_int_list(outer_dims)),
        ("outer_strides", c_int_list(outer_strides)),
        ("inner_dims", c_int_list(inner_dims)),
        ("inner_strides", c_int_list(inner_strides)),
    ))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    kind = _KINDS[op.name]
    inp, out = ctx.input(op), ctx.output(op)
    axes = _axes(ctx.model, op, inp)
    prefix = f"tb_l{op.index}"
    shape = _shape_struct(prefix, inp, axes)
    function = f"tb_{op.name.lower()}_{_SUFFIX[inp.dtype]}"
    data = (ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    if kind.rescaled and inp.dtype != "float32":
        q = sum_quant(inp, out, math.prod(inp.shape[a] for a in axes), kind.divides)
        params = CStruct("tb_mean_params_t", f"{prefix}_params", (
            ("input_zero_point", str(q.input_zero_point)),
            ("output_zero_point", str(q.output_zero_point)),
            ("count", str(q.count)),
            ("quant", quant_field(q.multiplier, q.shift)),
        ))
        return Layer(op.index, op.name, op.index, function, (f"&{params.name}", f"&{shape.name}", *data),
                     (params, shape), header=HEADER)
    return Layer(op.index, op.name, op.index, function, (f"&{shape.name}", *data), (shape,), header=HEADER)


_OPERANDS = Operands(2, 2, roles=("input", "axis"))
_NOTE = "constant axes, keep_dims or not, rank up to 6"
HANDLERS = (
    OpHandler("MEAN", check, single(emit), no_macs, f"int8, int16, float32 ({_NOTE})", _OPERANDS, max_version=3),
    OpHandler("SUM", check, single(emit), no_macs, f"int8, int16, float32 ({_NOTE})", _OPERANDS, max_version=2),
    OpHandler("REDUCE_MAX", check, single(emit), no_macs,
              f"int8 (output quantized as the input), float32 ({_NOTE})", _OPERANDS, max_version=3),
    OpHandler("REDUCE_MIN", check, single(emit), no_macs,
              f"int8 (output quantized as the input), float32 ({_NOTE})", _OPERANDS, max_version=3),
    OpHandler("REDUCE_ALL", check, single(emit), no_macs, f"bool ({_NOTE})", _OPERANDS, max_version=1),
)
