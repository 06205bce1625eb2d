"""PACK: stack `values_count` equally shaped inputs along a new `axis` (constant inputs from flash)."""
from __future__ import annotations

import math

from ..errors import MalformedModelError
from ..model import DTYPE_BYTES, Model, Operator
from . import checks, slots
from .c_emit import EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .concatenation import MAX_BLOCKS, PACK_DTYPES, block_params
from .registry import OpHandler, Operands, no_macs
from .shape_common import expect_movable, expect_same_type, normalized_axis, plan_inputs

HEADER = "pack/tb_pack.h"


def check(model: Model, op: Operator) -> None:
    out = checks.required(model, op, slots.OUTPUT, "output")
    expect_movable(op, out, "output", PACK_DTYPES)
    count = int(op.options.get("values_count", 0))  # 0, the schema's default, when options are absent
    if count != len(op.inputs) or count < 1 or count > MAX_BLOCKS:
        raise MalformedModelError(
            f"operator #{op.index} PACK declares values_count {count} with {len(op.inputs)} inputs (supported: 1..{MAX_BLOCKS})"
        )
    rank = len(out.shape)
    axis = normalized_axis(op, int(op.options.get("axis", 0)), rank)
    first = checks.required(model, op, slots.INPUT, "input 0")
    expected = tuple(first.shape[:axis]) + (count,) + tuple(first.shape[axis:])
    if tuple(out.shape) != expected:
        raise MalformedModelError(f"operator #{op.index} PACK of {count} x {list(first.shape)} on axis {axis} "
                                  f"gives {list(expected)}, but the output is {list(out.shape)}")
    for slot in range(count):
        inp = checks.required(model, op, slot, f"input {slot}")
        expect_same_type(op, inp, out)
        if inp.shape != first.shape:
            raise MalformedModelError(f"operator #{op.index} PACK input {slot} shape {list(inp.shape)} differs from input 0 {list(first.shape)}")


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    out = ctx.output(op)
    axis = normalized_axis(op, int(op.options.get("axis", 0)), len(out.shape))
    outer = math.prod(out.shape[:axis])
    block = math.prod(out.shape[axis + 1:]) * DTYPE_BYTES[out.dtype]
    params = block_params(ctx, op, outer, [block] * len(op.inputs), "tb_pack_params_t")
    args = (f"&{params.name}", ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_pack_x8", args, (params,), HEADER)


HANDLERS = (OpHandler("PACK", check, single(emit, plan_inputs), no_macs, "int8, int16, int32, float32, int64; any axis, values_count up to 16",
                      Operands(1, None, roles=("values",)), max_version=3),)
