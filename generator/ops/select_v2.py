"""SELECT_V2: output = condition ? x : y for float32, int8 and int16, the bool condition and both
value operands broadcast to the output (up to 5-D, as TFLM's BroadcastSelect5DSlow), any operand
may be constant. Values are copied as stored: TFLM reads neither x's nor y's quantization.

MACs: 0.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..model import Model, Operator
from . import checks
from .add_sub_common import c_int_list, unsupported
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs
from .typed_elementwise import SUFFIXES, check_operand_counts, operand_constants, operand_pointer

HEADER = "select/tb_select.h"
MAX_RANK = 5  # TFLM's BroadcastSelect5DSlow
C_RANK = 6  # TB_SELECT_MAX_RANK
TYPES = ("float32", "int8", "int16")
ROLES = ((0, "condition"), (1, "x"), (2, "y"))


def select_layout(out_shape: Sequence[int], *shapes: Sequence[int]) -> tuple[list[int], list[list[int]]]:
    """The output dims and each operand's element strides, left-padded to C_RANK dimensions.

    Raises:
        ValueError: shapes that do not broadcast to out_shape, or more than MAX_RANK dimensions.
    """
    rank = max(len(out_shape), *(len(s) for s in shapes))
    if rank > MAX_RANK:
        raise ValueError(f"rank {rank} exceeds TFLM's {MAX_RANK} dimensions")
    out = [1] * (rank - len(out_shape)) + list(out_shape)
    padded = [[1] * (rank - len(s)) + list(s) for s in shapes]
    for d in range(rank):
        if any(p[d] not in (1, out[d]) for p in padded) or out[d] != max(p[d] for p in padded):
            raise ValueError(f"shapes {[list(s) for s in shapes]} do not broadcast to {list(out_shape)}")
    strides = []
    for p in padded:
        result, step = [0] * rank, 1
        for d in range(rank - 1, -1, -1):
            result[d] = step if p[d] != 1 else 0
            step *= p[d]
        strides.append([0] * (C_RANK - rank) + result)
    return [1] * (C_RANK - rank) + out, strides


def check(model: Model, op: Operator) -> None:
    check_operand_counts(op, 3)
    condition = checks.required(model, op, 0, "condition")
    x, y = checks.required(model, op, 1, "x"), checks.required(model, op, 2, "y")
    out = checks.required(model, op, 0, "output")
    checks.expect_dtype(op, condition, "condition", ("bool",))
    checks.expect_dtype(op, x, "x", TYPES)
    checks.expect_dtype(op, y, "y", (x.dtype,))
    checks.expect_dtype(op, out, "output", (x.dtype,))
    try:
        select_layout(out.shape, condition.shape, x.shape, y.shape)
    except ValueError as exc:
        raise unsupported(op, f"operand shapes {list(condition.shape)}, {list(x.shape)} and {list(y.shape)} ({exc})") \
            from None


def plan(ctx: PlanContext, op: Operator) -> Planned:
    return Planned(None, operand_constants(ctx.model, op, ROLES))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    out = ctx.output(op)
    dims, strides = select_layout(out.shape, *(ctx.input(op, slot).shape for slot, _ in ROLES))
    shape = CStruct("tb_select_shape_t", f"{plan.prefix}_shape", (
        ("dims", c_int_list(dims)),
        ("condition_strides", c_int_list(strides[0])),
        ("x_strides", c_int_list(strides[1])),
        ("y_strides", c_int_list(strides[2])),
    ))
    pointers = tuple(operand_pointer(ctx, op, slot, role) for slot, role in ROLES)
    args = (f"&{shape.name}", *pointers, ctx.arena_pointer(out.index, const=False))
    return layer(plan, f"tb_select_v2_{SUFFIXES[out.dtype]}", args, (shape,), HEADER)


HANDLERS = (
    OpHandler("SELECT_V2", check, single(emit, plan), no_macs,
              "float32, int8, int16 (bool condition; broadcasting up to 5-D, constant operands)",
              Operands(3, 3, roles=("condition", "x", "y")), max_version=1),
)
