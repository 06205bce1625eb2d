"""DYNAMIC_UPDATE_SLICE up to 5-D: the operand with a box replaced by the update, at start indices
read at run time (int32 or int64), clamped to 0 .. operand_dim - update_dim as TFLM does
(dynamic_update_slice.cc). TFLM's Prepare: operand and update of one type (int8, int16, int32,
float32) and rank, the update no larger than the operand on any axis, 1-D start indices with
one value per operand dimension. The output has the operand's shape.
"""
from __future__ import annotations

from ..errors import MalformedModelError
from ..model import DTYPE_BYTES, Model, Operator
from . import checks
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs
from .shape_common import (
    KERNEL_DIMS, c_list, expect_movable, expect_rank, expect_same_type, extend, plan_inputs, source_pointer,
)

HEADER = "dynamic_update_slice/tb_dynamic_update_slice.h"
DUS_DTYPES = ("int8", "int16", "int32", "float32")
OPERAND, UPDATE, START = 0, 1, 2


def check(model: Model, op: Operator) -> None:
    operand = checks.required(model, op, OPERAND, "operand")
    update = checks.required(model, op, UPDATE, "update")
    start = checks.required(model, op, START, "start indices")
    out = checks.required(model, op, 0, "output")
    expect_movable(op, operand, "operand", DUS_DTYPES)
    expect_same_type(op, operand, update)
    expect_same_type(op, operand, out)
    expect_rank(op, operand, "operand", KERNEL_DIMS)
    checks.expect_dtype(op, start, "start indices", ("int32", "int64"))
    rank = len(operand.shape)
    if len(start.shape) != 1 or start.shape[0] != rank or len(update.shape) != rank:
        raise MalformedModelError(f"operator #{op.index} DYNAMIC_UPDATE_SLICE needs an update of the operand's rank "
                                  f"{rank} and {rank} start indices (TFLM's Prepare); got update {list(update.shape)}, "
                                  f"start indices {list(start.shape)}")
    if any(u > o for u, o in zip(update.shape, operand.shape)) or tuple(out.shape) != tuple(operand.shape):
        raise MalformedModelError(f"operator #{op.index} DYNAMIC_UPDATE_SLICE update {list(update.shape)} must fit the "
                                  f"operand {list(operand.shape)}, and the output {list(out.shape)} have its shape")


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    operand, update, start = (ctx.input(op, slot) for slot in (OPERAND, UPDATE, START))
    out = ctx.output(op)
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_dynamic_update_slice_params_t", f"{prefix}_params", (
        ("operand_dims", c_list(extend(operand.shape))),
        ("update_dims", c_list(extend(update.shape))),
        ("rank", str(len(operand.shape))),
        ("index_bytes", str(DTYPE_BYTES[start.dtype])),
        ("element_bytes", str(DTYPE_BYTES[operand.dtype])),
    ))
    args = (f"&{params.name}", *(source_pointer(ctx, t.index, f"{prefix}_input{slot}")
                                 for slot, t in ((OPERAND, operand), (UPDATE, update), (START, start))),
            ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_dynamic_update_slice_x8", args, (params,), HEADER)


HANDLERS = (OpHandler("DYNAMIC_UPDATE_SLICE", check, single(emit, plan_inputs), no_macs,
                      "int8, int16, int32, float32; up to 5-D, int32 or int64 start indices read at run time (clamped)",
                      Operands(3, 3, roles=("operand", "update", "start indices")), max_version=5),)
