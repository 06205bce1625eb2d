"""MIRROR_PAD (REFLECT and SYMMETRIC) up to 5-D, int8 and float32 as TFLM runs it.

Folded at generation time: per output axis, the input coordinate each output coordinate reads,
by TFLM's GetInputDimension (mirror_pad.cc; offset 1 for REFLECT, which does not repeat the
edge, 0 for SYMMETRIC), times the input stride. The kernel sums one table entry per axis.
TFLM reads the paddings at Eval; here they must be constant (the static output shape fixes them
anyway), int32 or int64, shape [rank, 2]. A padding that would make TFLM read outside its input
(REFLECT beyond dim - 1, SYMMETRIC beyond dim) is refused.
"""
from __future__ import annotations

import numpy as np

from ..errors import MalformedModelError, UnsupportedOpError
from ..model import Model, Operator, Tensor
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, layer
from ..options import KernelSet
from .layer_plan import LayerPlan, PlanContext, Planned, Variant, int_constant
from .registry import OpHandler, Operands, no_macs, supported_ops
from .shape_common import (
    KERNEL_DIMS, c_list, constant_ints, expect_movable, expect_rank, expect_same_type, extend,
    input_constant, row_major_strides, source_pointer, width_suffix,
)

HEADER = "mirror_pad/tb_mirror_pad.h"
MIRROR_PAD_DTYPES = ("int8", "float32")
REFLECT, SYMMETRIC = 0, 1


def _offset(op: Operator) -> int:
    mode = op.options.get("mode", REFLECT)
    return 1 if mode in (REFLECT, "REFLECT") else 0


def input_coordinate(padded: int, left: int, size: int, offset: int) -> int:
    """TFLM's GetInputDimension: the input coordinate output coordinate `padded` reads."""
    if padded < left:
        original = left + offset - 1
        return original - min(padded, original - offset)
    padded -= left
    if padded >= size:
        padded -= size
        original = size - (1 + offset)
        return original - min(padded, original)
    return padded


def _pairs(model: Model, op: Operator, inp: Tensor) -> np.ndarray:
    paddings = constant_ints(model, op, slots.PADDINGS, "paddings")
    if paddings.shape != (len(inp.shape), 2):
        raise MalformedModelError(f"operator #{op.index} MIRROR_PAD paddings have shape {list(paddings.shape)}; "
                                  f"TFLM needs [{len(inp.shape)}, 2] for a {len(inp.shape)}-D input")
    return paddings


def tables(model: Model, op: Operator) -> tuple[list[int], list[list[int]]]:
    """5-D output counts and, per axis, the input element offset of each output coordinate."""
    inp = slots.required_input(model, op, slots.INPUT)
    pairs = _pairs(model, op, inp)
    pad = KERNEL_DIMS - len(inp.shape)
    lefts = [0] * pad + [int(v) for v in pairs[:, 0]]
    rights = [0] * pad + [int(v) for v in pairs[:, 1]]
    dims = extend(inp.shape)
    strides = row_major_strides(dims)
    offset = _offset(op)
    counts, offsets = [], []
    for axis in range(KERNEL_DIMS):
        count = dims[axis] + lefts[axis] + rights[axis]
        coords = [input_coordinate(c, lefts[axis], dims[axis], offset if axis >= pad else 0) for c in range(count)]
        counts.append(count)
        offsets.append([c * strides[axis] for c in coords])
        if any(not 0 <= c < dims[axis] for c in coords):
            raise UnsupportedOpError(
                op.name, op.index, supported_ops(),
                detail=f"paddings {pairs.tolist()} reach beyond input {list(inp.shape)} on axis {axis - pad} "
                       f"({'REFLECT allows up to dim - 1' if offset else 'SYMMETRIC allows up to dim'}; TFLM would read "
                       "outside the input)")
    return counts, offsets


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    expect_movable(op, inp, "input", MIRROR_PAD_DTYPES)
    expect_same_type(op, inp, out)
    expect_rank(op, inp, "input", KERNEL_DIMS)
    pairs = _pairs(model, op, inp)
    if np.any(pairs < 0):
        raise MalformedModelError(f"operator #{op.index} MIRROR_PAD has negative paddings {pairs.tolist()}")
    expected = tuple(int(d + l + r) for d, (l, r) in zip(inp.shape, pairs.tolist()))
    if expected != tuple(out.shape):
        raise MalformedModelError(f"operator #{op.index} MIRROR_PAD of {list(inp.shape)} by {pairs.tolist()} gives "
                                  f"{list(expected)}, but the output is {list(out.shape)}")
    tables(model, op)


def plan(ctx: PlanContext, op: Operator) -> Planned:
    _, offsets = tables(ctx.model, op)
    flat = [v for axis in offsets for v in axis]
    table = int_constant(f"tb_l{op.index}_offsets", "int32_t", flat,
                         f"Layer {op.index}: MIRROR_PAD input offsets per output coordinate, axis after axis", 12, 6)
    index = slots.input_index(op, slots.INPUT)
    return Planned(constants=(table, *input_constant(ctx.model, index, f"tb_l{op.index}_input",
                                                     f"Layer {op.index}: MIRROR_PAD input")))


def emit(ctx: EmitContext, plan_: LayerPlan) -> Layer:
    op = plan_.op
    inp, out = ctx.input(op), ctx.output(op)
    counts, _ = tables(ctx.model, op)
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_mirror_pad_params_t", f"{prefix}_params", (
        ("count", c_list(counts)),
        ("offsets", f"{prefix}_offsets"),
    ))
    args = (f"&{params.name}", source_pointer(ctx, inp.index, f"{prefix}_input"), ctx.arena_pointer(out.index, const=False))
    return layer(plan_, f"tb_mirror_pad_{width_suffix(inp)}", args, (params,), HEADER)


VARIANTS = (Variant("reference", KernelSet.REFERENCE, plan, emit),)
HANDLERS = (OpHandler("MIRROR_PAD", check, VARIANTS, no_macs,
                      "int8, float32; up to 5-D, REFLECT and SYMMETRIC, constant int32 or int64 paddings",
                      Operands(2, 2, roles=("input", "paddings")), max_version=3),)
