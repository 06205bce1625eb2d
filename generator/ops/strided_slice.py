"""STRIDED_SLICE with constant begin / end / strides, up to 4-D as TFLM micro.

Folded at generation time exactly as TFLM's reference kernel evaluates it: indices padded to
5-D (StridedSlicePadIndices), then per axis StridedSliceStartForAxis / StridedSliceEndForAxis
(negative indices, clamping, begin_mask, end_mask, shrink_axis_mask) and the loop
`for (i = start; stride > 0 ? i < stop : i > stop; i += stride)`. TFLM micro ignores
ellipsis_mask and new_axis_mask (it zeroes them), so models using them are rejected.
"""
from __future__ import annotations

import math

from ..errors import MalformedModelError, UnsupportedOpError
from ..model import Model, Operator
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs, supported_ops
from .shape_common import (
    KERNEL_DIMS, c_list, constant_ints, expect_movable, expect_rank, expect_same_type, extend,
    row_major_strides, plan_input, source_pointer, width_suffix,
)

HEADER = "strided_slice/tb_strided_slice.h"
MAX_RANK = 4  # TFLM micro's kMaxDim
STRIDED_SLICE_DTYPES = ("int8", "int16", "int32", "float32", "bool")  # TFLM's


def _clamp(value: int, low: int, high: int) -> int:
    return high if value > high else (low if value < low else value)


def fold(shape: tuple[int, ...], begin: list[int], end: list[int], strides: list[int],
         begin_mask: int, end_mask: int, shrink_mask: int) -> tuple[list[int], list[int], list[int]]:
    """5-D (start, count, stride) per axis, as TFLM's reference StridedSlice iterates."""
    pad = KERNEL_DIMS - len(begin)
    starts_in = [0] * pad + list(begin)
    stops_in = [1] * pad + list(end)
    strides5 = [1] * pad + list(strides)
    begin_mask = (begin_mask << pad) | ((1 << pad) - 1)
    end_mask = (end_mask << pad) | ((1 << pad) - 1)
    shrink_mask <<= pad
    shape5 = extend(shape)
    starts, counts = [], []
    for axis in range(KERNEL_DIMS):
        size, stride = shape5[axis], strides5[axis]
        start = starts_in[axis]
        if start < 0:
            start += size
        start = _clamp(start, 0, size) if stride > 0 else _clamp(start, -1, size - 1)
        if begin_mask & (1 << axis):
            start = 0 if stride > 0 else size - 1
        if shrink_mask & (1 << axis):
            stop = start if start >= size else start + 1
        else:
            stop = stops_in[axis]
            if stop < 0:
                stop += size
            stop = _clamp(stop, 0, size) if stride > 0 else _clamp(stop, -1, size - 1)
            if end_mask & (1 << axis):
                stop = size if stride > 0 else -1
        count = max(0, -(-(stop - start) // stride)) if stride > 0 else max(0, -(-(start - stop) // -stride))
        starts.append(start)
        counts.append(count)
    return starts, counts, strides5


def _operands(model: Model, op: Operator) -> tuple[list[int], list[int], list[int]]:
    return tuple(  # type: ignore[return-value]
        [int(v) for v in constant_ints(model, op, slot, role).reshape(-1)]
        for slot, role in ((slots.BEGIN, "begin"), (slots.END, "end"), (slots.STRIDES, "strides"))
    )


def _masks(op: Operator) -> tuple[int, int, int]:
    return (int(op.options.get("begin_mask", 0)), int(op.options.get("end_mask", 0)),
            int(op.options.get("shrink_axis_mask", 0)))


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    expect_movable(op, inp, "input", STRIDED_SLICE_DTYPES)
    expect_same_type(op, inp, out)
    expect_rank(op, inp, "input", MAX_RANK)
    for option in ("ellipsis_mask", "new_axis_mask"):
        if int(op.options.get(option, 0)):
            raise UnsupportedOpError(op.name, op.index, supported_ops(), detail=f"{option} (TFLM micro ignores it)")
    if op.options.get("offset"):
        raise UnsupportedOpError(op.name, op.index, supported_ops(), detail="offset=true (TFLM micro ignores it)")
    begin, end, strides = _operands(model, op)
    for slot, role in ((slots.BEGIN, "begin"), (slots.END, "end"), (slots.STRIDES, "strides")):
        operand = slots.required_input(model, op, slot)
        if len(operand.shape) != 1:  # TFLite's reference kernel requires vectors
            raise MalformedModelError(
                f"operator #{op.index} STRIDED_SLICE {role} has shape {list(operand.shape)}; it must be 1-D"
            )
    rank = len(inp.shape)
    if not (len(begin) == len(end) == len(strides) == rank):
        raise MalformedModelError(
            f"operator #{op.index} STRIDED_SLICE has {len(begin)}/{len(end)}/{len(strides)} begin/end/strides "
            f"values for a {rank}-D input (TFLM needs one per dimension)"
        )
    if any(s == 0 for s in strides):
        raise MalformedModelError(f"operator #{op.index} STRIDED_SLICE has a zero stride")
    begin_mask, end_mask, shrink_mask = _masks(op)
    _, counts, _ = fold(inp.shape, begin, end, strides, begin_mask, end_mask, shrink_mask)
    pad = KERNEL_DIMS - rank
    kept = [counts[pad + a] for a in range(rank) if not shrink_mask & (1 << a)]
    if tuple(kept) != tuple(out.shape) or math.prod(counts) != out.num_elements:
        raise MalformedModelError(
            f"operator #{op.index} STRIDED_SLICE of {list(inp.shape)} gives shape {kept}, but the output is {list(out.shape)}"
        )


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    begin, end, strides = _operands(ctx.model, op)
    starts, counts, strides5 = fold(inp.shape, begin, end, strides, *_masks(op))
    in_strides = row_major_strides(extend(inp.shape))
    base = sum(s * st for s, st in zip(starts, in_strides)) if all(counts) else 0
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_strided_slice_params_t", f"{prefix}_params", (
        ("count", c_list(counts)),
        ("step", c_list([s * st for s, st in zip(strides5, in_strides)])),
        ("base", str(base)),
    ))
    source = source_pointer(ctx, inp.index, f"{prefix}_input")
    args = (f"&{prefix}_params", source, ctx.arena_pointer(out.index, const=False))
    return layer(plan, f"tb_strided_slice_{width_suffix(inp)}", args, (params,), HEADER)


VARIANTS = single(emit, plan_input)
HANDLERS = (OpHandler("STRIDED_SLICE", check, VARIANTS, no_macs,
                      "int8, int16, int32, float32, bool; up to 4-D, constant begin/end/strides (negatives), "
                      "begin_mask, end_mask, shrink_axis_mask",
                      Operands(4, 4, roles=("input", "begin", "end", "strides")), max_version=4),)
