"""FILL and ZEROS_LIKE: every output element the same value.

Facts from TFLM's fill.cc and zeros_like.cc: FILL's dims must be constant (TFLM's Prepare refuses
others: "Non-constant >dims< tensor is not supported"), a 1-D int8/int16/int32/int64 vector equal
to the output shape; its value is a scalar of the output's type (int8, int32 or float32), read
at run time. ZEROS_LIKE writes zeros shaped like its input (int8, int32, float32, int64).
"""
from __future__ import annotations

from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator
from . import checks
from .c_emit import EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs, unary
from .shape_common import expect_movable, expect_same_type, input_constant, num_bytes, source_pointer

HEADER = "fill/tb_fill.h"
FILL_DTYPES = ("int8", "int32", "float32")
ZEROS_DTYPES = ("int8", "int32", "float32", "int64")
FILL_DIMS, FILL_VALUE = 0, 1


def check(model: Model, op: Operator) -> None:
    out = checks.required(model, op, 0, "output")
    if op.name == "ZEROS_LIKE":
        inp = checks.required(model, op, 0, "input")
        expect_movable(op, inp, "input", ZEROS_DTYPES)
        expect_same_type(op, inp, out)
        if tuple(inp.shape) != tuple(out.shape):
            raise MalformedModelError(f"operator #{op.index} ZEROS_LIKE of {list(inp.shape)} has output {list(out.shape)}")
        return
    dims = checks.required(model, op, FILL_DIMS, "dims")
    value = checks.required(model, op, FILL_VALUE, "value")
    expect_movable(op, out, "output", FILL_DTYPES)
    if value.dtype != out.dtype or len(value.shape) != 0:
        raise UnsupportedTensorError(value.name, value.dtype,
                                     f"FILL (operator #{op.index}) needs a scalar value of the output's type "
                                     f"({out.dtype}), as TFLM's Prepare does; it is {value.dtype} {list(value.shape)}")
    if not dims.is_constant:
        raise UnsupportedTensorError(dims.name, dims.dtype,
                                     f"FILL (operator #{op.index}) needs constant dims: TFLM's Prepare refuses computed ones "
                                     "(\"Non-constant >dims< tensor is not supported\"); export with a static shape")
    checks.expect_dtype(op, dims, "dims", ("int8", "int16", "int32", "int64"))
    assert dims.data is not None
    values = [int(v) for v in dims.data.reshape(-1)]
    if len(dims.shape) != 1 or values != list(out.shape):
        raise MalformedModelError(f"operator #{op.index} FILL dims {values} differ from its output shape "
                                  f"{list(out.shape)} (TFLM's Prepare refuses that)")


def plan(ctx: PlanContext, op: Operator) -> Planned:
    if op.name == "ZEROS_LIKE":
        return Planned()
    index = op.inputs[FILL_VALUE]
    return Planned(constants=input_constant(ctx.model, index, f"tb_l{op.index}_value", f"Layer {op.index}: FILL value"))


def emit(ctx: EmitContext, plan_: LayerPlan) -> Layer:
    op = plan_.op
    out = ctx.output(op)
    target = ctx.arena_pointer(out.index, const=False)
    if op.name == "ZEROS_LIKE":
        return layer(plan_, "tb_zeros_like_x8", (target, str(num_bytes(out))), (), HEADER)
    value = ctx.input(op, FILL_VALUE)
    width = "x8" if out.dtype == "int8" else "x32"
    args = (source_pointer(ctx, value.index, f"tb_l{op.index}_value"), target, str(out.num_elements))
    return layer(plan_, f"tb_fill_{width}", args, (), HEADER)


VARIANTS = single(emit, plan)
HANDLERS = (
    OpHandler("FILL", check, VARIANTS, no_macs, "int8, int32, float32; constant dims (int8..int64), scalar value read at run time",
              Operands(2, 2, roles=("dims", "value")), max_version=3),
    OpHandler("ZEROS_LIKE", check, VARIANTS, no_macs, "int8, int32, float32, int64", unary(), max_version=1),
)
