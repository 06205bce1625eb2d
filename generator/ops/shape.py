"""SHAPE: the input's (static) dimensions as an int32 vector, folded at generation time."""
from __future__ import annotations

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator
from . import checks, slots
from .c_emit import EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, int_constant, single
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


def plan(ctx: PlanContext, op: Operator) -> Planned:
    inp = ctx.input(op)
    dims = [int(d) for d in inp.shape] or [0]
    return Planned(constants=(int_constant(f"tb_l{op.index}_dims", "int32_t", dims,
                                           f"Layer {op.index}: SHAPE of '{inp.name}' (static)".replace("*/", "* /"),
                                           8, 6),))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, prefix = plan.op, plan.prefix
    args = (f"{prefix}_dims", str(len(ctx.input(op).shape)), ctx.arena_pointer(ctx.output(op).index, const=False))
    return layer(plan, "tb_shape_s32", args, (), HEADER)


HANDLERS = (OpHandler("SHAPE", check, single(emit, plan), no_macs, "any input type -> int32 (static shape, a constant copy)",
                      unary(), max_version=1),)
