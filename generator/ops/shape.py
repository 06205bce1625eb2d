"""SHAPE: the input's (static) dimensions as an int32 vector, folded at generation time."""
from __future__ import annotations

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator
from . import checks, slots
from .c_emit import CArray, EmitContext, Layer, rows
from .registry import OpHandler, no_macs, supported_ops, unary

HEADER = "shape/tb_shape.h"


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    if out.dtype != "int32":
        raise UnsupportedTensorError(out.name, out.dtype, f"SHAPE (operator #{op.index}) supports an int32 output only (as TFLM)")
    out_type = op.options.get("out_type", "FLOAT32")  # the schema's default when options are absent
    if out_type != "INT32":
        raise UnsupportedOpError(
            op.name, op.index, supported_ops(),
            detail=f"out_type {out_type} for an int32 output (TFLite's reference SHAPE requires out_type INT32)",
        )
    if out.num_elements != len(inp.shape):
        raise MalformedModelError(
            f"operator #{op.index} SHAPE of a {len(inp.shape)}-D input has {out.num_elements} output values"
        )


def emit(ctx: EmitContext, op: Operator) -> Layer:
    inp, out = ctx.input(op), ctx.output(op)
    prefix = f"tb_l{op.index}"
    dims = [int(d) for d in inp.shape] or [0]
    array = CArray(f"{prefix}_dims", "int32_t", len(dims), rows(dims, 8, 6),
                   f"Layer {op.index}: SHAPE of '{inp.name}' (static)".replace("*/", "* /"))
    args = (f"{prefix}_dims", str(len(inp.shape)), ctx.arena_pointer(out.index, const=False))
    return Layer(op.index, op.name, op.index, "tb_shape_s32", args, (), (array,), HEADER)


HANDLERS = (OpHandler("SHAPE", check, emit, no_macs, "any input type -> int32 (static shape, a constant copy)",
                      unary(), max_version=1),)
