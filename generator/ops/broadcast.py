"""BROADCAST_TO and BROADCAST_ARGS.

Facts from TFLM's broadcast_to.cc and broadcast_args.cc:
- BROADCAST_TO: 1-5-D, any type (here int8, uint8, int16, int32, float32, bool, int64), a constant int32 or int64
  shape (TFLM's Prepare refuses a computed one: "Non-constant >shape< tensor is not supported")
  equal to the output shape, of rank >= the input's, each input dimension 1 or the output's.
  It runs as the strided copy of STRIDED_SLICE with step 0 on the broadcast axes.
- BROADCAST_ARGS: two 1-D int32 or int64 shape vectors (read at run time) and a 1-D output of
  their type; dimensions aligned at the end, a missing one counts as 1, equal or 1 each.
"""
from __future__ import annotations

import math

from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import DTYPE_BYTES, Model, Operator
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs
from .shape_common import (
    ANY_DTYPES, KERNEL_DIMS, c_list, expect_movable, expect_same_type, extend, plan_input, plan_inputs,
    row_major_strides, source_pointer, width_suffix,
)

SHAPE = 1  # BROADCAST_TO's shape input
ARGS_DTYPES = ("int32", "int64")


def check_to(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    expect_movable(op, inp, "input", ANY_DTYPES)
    expect_same_type(op, inp, out)
    shape = checks.required(model, op, SHAPE, "shape")
    checks.expect_dtype(op, shape, "shape", ARGS_DTYPES)
    if not shape.is_constant:
        raise UnsupportedTensorError(shape.name, shape.dtype,
                                     f"BROADCAST_TO (operator #{op.index}) needs a constant shape: TFLM's Prepare refuses a "
                                     "computed one (\"Non-constant >shape< tensor is not supported\"); export with static shapes")
    assert shape.data is not None
    values = [int(v) for v in shape.data.reshape(-1)]
    rank = len(out.shape)
    if len(shape.shape) != 1 or values != list(out.shape) or not len(inp.shape) <= rank <= KERNEL_DIMS:
        raise MalformedModelError(f"operator #{op.index} BROADCAST_TO shape {values} must be 1-D, equal the output "
                                  f"{list(out.shape)} and have 1 to {KERNEL_DIMS} dimensions, no fewer than the input's "
                                  f"{list(inp.shape)} (TFLM's Prepare)")
    lead = rank - len(inp.shape)
    if any(d != 1 and d != out.shape[lead + i] for i, d in enumerate(inp.shape)):
        raise MalformedModelError(f"operator #{op.index} BROADCAST_TO cannot broadcast {list(inp.shape)} to {list(out.shape)}")


def emit_to(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    in5, out5 = extend(inp.shape), extend(out.shape)
    strides = row_major_strides(in5)
    steps = [0 if i != o else s for i, o, s in zip(in5, out5, strides)]
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_strided_slice_params_t", f"{prefix}_params", (
        ("count", c_list(out5)), ("step", c_list(steps)), ("base", "0"),
    ))
    args = (f"&{prefix}_params", source_pointer(ctx, inp.index, f"{prefix}_input"), ctx.arena_pointer(out.index, const=False))
    return layer(plan, f"tb_strided_slice_{width_suffix(inp)}", args, (params,), "strided_slice/tb_strided_slice.h")


def check_args(model: Model, op: Operator) -> None:
    first = checks.required(model, op, 0, "shape 1")
    second = checks.required(model, op, 1, "shape 2")
    out = checks.required(model, op, 0, "output")
    checks.expect_dtype(op, first, "shape 1", ARGS_DTYPES)
    expect_same_type(op, first, second)
    expect_same_type(op, first, out)
    if any(len(t.shape) != 1 for t in (first, second, out)):
        raise MalformedModelError(f"operator #{op.index} BROADCAST_ARGS needs 1-D shapes and output (TFLM's Prepare)")
    if out.shape[0] < max(first.shape[0], second.shape[0]):
        raise MalformedModelError(f"operator #{op.index} BROADCAST_ARGS output of {out.shape[0]} values cannot hold the "
                                  f"broadcast of {first.shape[0]} and {second.shape[0]} dimensions")


def emit_args(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    first, second, out = ctx.input(op, 0), ctx.input(op, 1), ctx.output(op)
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_broadcast_args_params_t", f"{prefix}_params", (
        ("length1", str(math.prod(first.shape))), ("length2", str(math.prod(second.shape))),
        ("out_length", str(out.shape[0])), ("value_bytes", str(DTYPE_BYTES[out.dtype])),
    ), compact=True)
    args = (f"&{params.name}", source_pointer(ctx, first.index, f"{prefix}_input0"),
            source_pointer(ctx, second.index, f"{prefix}_input1"), ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_broadcast_args", args, (params,), "broadcast/tb_broadcast.h")


HANDLERS = (
    OpHandler("BROADCAST_TO", check_to, single(emit_to, plan_input), no_macs,
              "int8, uint8, int16, int32, float32, bool, int64; 1-5-D, constant int32 or int64 shape",
              Operands(2, 2, roles=("input", "shape")), max_version=3),
    OpHandler("BROADCAST_ARGS", check_args, single(emit_args, plan_inputs), no_macs,
              "int32, int64; shapes read at run time",
              Operands(2, 2, roles=("shape 1", "shape 2")), max_version=1),
)
