"""MEAN (int8) over constant axes, with or without keep_dims: TFLM's QuantizedMeanOrSum
(exact integer sum, multiplier pre-divided by the element count, requantized to the output).

MACs: 0 (additions only).
"""
from __future__ import annotations

import math

import numpy as np

from ..elementwise_quant import QuantParamError, mean_quant
from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from . import checks, slots
from .add_sub_common import REDUCE_MAX_RANK, c_int_list, quant_error, quant_field, scale_zp, unsupported
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs

HEADER = "reduce/tb_reduce.h"


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
    """Kept dims/strides and reduced dims/strides, each left-padded to REDUCE_MAX_RANK."""
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


def _axes(model: Model, op: Operator, inp: Tensor) -> list[int]:
    axis = checks.required(model, op, slots.AXIS, "axis")
    if axis.dtype != "int32" or not axis.is_constant:
        raise UnsupportedTensorError(axis.name, axis.dtype, f"MEAN (operator #{op.index}) needs a constant int32 axis")
    assert axis.data is not None
    try:
        return resolve_axes(axis.data, len(inp.shape))
    except ValueError as exc:
        raise MalformedModelError(f"operator #{op.index} MEAN: {exc}") from None


def check(model: Model, op: Operator) -> None:
    if len(op.inputs) != 2 or len(op.outputs) != 1:
        raise MalformedModelError(f"operator #{op.index} MEAN needs 2 inputs (data, axis) and 1 output")
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", ("int8",))
    checks.expect_dtype(op, out, "output", ("int8",))
    checks.expect_not_constant(op, inp, "input")
    checks.expect_per_tensor(op, inp, "input")
    checks.expect_per_tensor(op, out, "output")
    if len(inp.shape) > REDUCE_MAX_RANK or any(d < 1 for d in inp.shape):
        raise unsupported(op, f"input shape {list(inp.shape)} (rank up to {REDUCE_MAX_RANK}, no empty dimensions)")
    axes = _axes(model, op, inp)
    kept = math.prod(d for i, d in enumerate(inp.shape) if i not in axes)
    if out.num_elements != kept:
        raise MalformedModelError(
            f"operator #{op.index} MEAN over axes {axes} of {list(inp.shape)} gives {kept} values, "
            f"but the output {list(out.shape)} holds {out.num_elements}"
        )
    count = math.prod(inp.shape[a] for a in axes)
    try:
        mean_quant(*scale_zp(inp), *scale_zp(out), count)
    except QuantParamError as exc:
        raise quant_error(op, exc) from None


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    axes = _axes(ctx.model, op, inp)
    outer_dims, outer_strides, inner_dims, inner_strides = reduce_layout(inp.shape, axes)
    q = mean_quant(*scale_zp(inp), *scale_zp(out), math.prod(inner_dims))
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_mean_params_t", f"{prefix}_params", (
        ("input_zero_point", str(q.input_zero_point)),
        ("output_zero_point", str(q.output_zero_point)),
        ("count", str(q.count)),
        ("quant", quant_field(q.multiplier, q.shift)),
    ))
    shape = CStruct("tb_reduce_shape_t", f"{prefix}_shape", (
        ("outer_dims", c_int_list(outer_dims)),
        ("outer_strides", c_int_list(outer_strides)),
        ("inner_dims", c_int_list(inner_dims)),
        ("inner_strides", c_int_list(inner_strides)),
    ))
    args = (f"&{params.name}", f"&{shape.name}",
            ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    return Layer(op.index, op.name, op.index, "tb_mean_s8", args, (params, shape), header=HEADER)


HANDLERS = (OpHandler("MEAN", check, single(emit), no_macs, "int8 (constant axes, keep_dims or not, rank up to 6)",
                      Operands(2, 2, roles=("input", "axis")), max_version=3),)
