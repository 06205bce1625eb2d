"""RESHAPE, SQUEEZE and EXPAND_DIMS: the bytes stay, only the shape changes.

The planner may let the output share the input's buffer (planner.ALIASING_OPS); the kernel
then has nothing to copy. RESHAPE's optional shape operand is not read: the output shape in
the file is static, and a shape computed at run time (SHAPE -> STRIDED_SLICE -> PACK, as Keras
exports emit) can only restate it.
"""
from __future__ import annotations

from ..errors import MalformedModelError
from ..model import Model, Operator
from . import checks, slots
from .c_emit import EmitContext, Layer
from .registry import OpHandler, Operands, no_macs, unary
from .shape_common import expect_movable, expect_same_type, num_bytes, source_pointer

HEADER = "reshape/tb_reshape.h"


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    expect_movable(op, inp, "input")
    expect_same_type(op, inp, out)
    if num_bytes(inp) != num_bytes(out):
        raise MalformedModelError(
            f"operator #{op.index} {op.name} maps shape {list(inp.shape)} to {list(out.shape)}: "
            "the element counts differ"
        )
    if op.name == "EXPAND_DIMS":
        checks.required(model, op, slots.AXIS, "axis")


def emit(ctx: EmitContext, op: Operator) -> Layer:
    inp, out = ctx.input(op), ctx.output(op)
    prefix = f"tb_l{op.index}"
    source, arrays = source_pointer(ctx, inp.index, f"{prefix}_input", f"Layer {op.index}: {op.name} input")
    args = (source, ctx.arena_pointer(out.index, const=False), str(num_bytes(out)))
    return Layer(op.index, op.name, op.index, "tb_reshape_x8", args, (), arrays, HEADER)


TYPES = "int8, uint8, int16, int32, float32 (output may alias the input: no copy)"
HANDLERS = (
    OpHandler("RESHAPE", check, emit, no_macs, TYPES,
              Operands(1, 2, optional=frozenset({slots.NEW_SHAPE}), roles=("input", "shape")), max_version=1),
    OpHandler("SQUEEZE", check, emit, no_macs, TYPES, unary(), max_version=1),
    OpHandler("EXPAND_DIMS", check, emit, no_macs, TYPES, Operands(2, 2, roles=("input", "axis")), max_version=1),
)
