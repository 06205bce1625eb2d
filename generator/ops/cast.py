"""CAST: int8, int16, int32 and uint32 to int8, int16, int32, uint32 or float32, as TFLM's
static_cast converts (integers wrap to narrower types; integer to float rounds to nearest).
Unquantized values only (TFLM's CAST ignores quantization). MACs: 0.
"""
from __future__ import annotations

from ..model import Model, Operator
from . import checks, slots
from .c_emit import EmitContext, Layer, layer
from .add_sub_common import unsupported
from .layer_plan import LayerPlan, single
from .registry import OpHandler, no_macs, unary

HEADER = "cast/tb_cast.h"
FROM_TYPES = ("int8", "int16", "int32", "uint32")
TO_TYPES = ("int8", "int16", "int32", "uint32", "float32")
_C_CODES = {"int8": "TB_CAST_INT8", "int16": "TB_CAST_INT16", "int32": "TB_CAST_INT32", "uint32": "TB_CAST_UINT32",
            "float32": "TB_CAST_FLOAT32"}


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", FROM_TYPES)
    checks.expect_dtype(op, out, "output", TO_TYPES)
    if inp.num_elements != out.num_elements:
        raise unsupported(op, f"an input of {inp.num_elements} values and an output of {out.num_elements}")


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    args = (str(out.num_elements), _C_CODES[inp.dtype], _C_CODES[out.dtype],
            ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_cast", args, (), HEADER)


HANDLERS = (
    OpHandler("CAST", check, single(emit), no_macs, "int8, int16, int32, uint32 -> int8, int16, int32, uint32, float32",
              unary(), max_version=8,
              type_configs=tuple(f"{a}->{b}" for a in FROM_TYPES for b in TO_TYPES)),
)
