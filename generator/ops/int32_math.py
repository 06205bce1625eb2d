"""DIV, MINIMUM and MAXIMUM on int32 (unquantized), with broadcasting up to 6-D and constant
operands in flash, as TFLM's reference kernels compute them: DIV truncates toward zero (a zero
divisor fails the layer), no fused activation. ADD and MUL take int32 in their own modules
(add_sub.py, mul.py) through emit_int32 here. MACs: 0.
"""
from __future__ import annotations

from functools import partial

from ..model import Model, Operator
from . import slots
from .add_sub_common import (broadcast_struct, check_binary, check_fused_activation, operand_constants,
                             operand_pointers, unsupported)
from .c_emit import EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs

HEADER = "elementwise_s32/tb_elementwise_s32.h"
BINARY = Operands(2, 2, roles=("first input", "second input"))


def check_int32(model: Model, op: Operator) -> None:
    if op.name in ("DIV", "ADD", "MUL") and check_fused_activation(op) != "NONE":
        raise unsupported(op, f"int32 with fused activation {op.options.get('fused_activation_function')}")
    in1, in2, out = check_binary(model, op, ("int32",))
    for t, role in ((in1, "first input"), (in2, "second input"), (out, "output")):
        if t.quantization is not None and op.name == "DIV":
            raise unsupported(op, f"a quantized int32 {role} (TFLM divides unquantized int32 only)")


def plan_int32(ctx: PlanContext, op: Operator) -> Planned:
    return Planned(None, operand_constants(ctx.model, op))


def emit_int32(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, prefix = plan.op, plan.prefix
    in1, in2, out = ctx.input(op, slots.INPUT1), ctx.input(op, slots.INPUT2), ctx.output(op)
    shape = broadcast_struct(prefix, out, in1, in2)
    args = (f"&{shape.name}", *operand_pointers(ctx, op), ctx.arena_pointer(out.index, const=False))
    return layer(plan, f"tb_{op.name.lower()}_s32", args, (shape,), HEADER)


_TYPES = "int32 (broadcasting up to 6-D, constant operands)"
HANDLERS = (
    OpHandler("DIV", check_int32, single(emit_int32, partial(plan_int32)), no_macs,
              "int32 (unquantized; truncating; broadcasting up to 6-D, constant operands)", BINARY, max_version=2),
    OpHandler("MINIMUM", check_int32, single(emit_int32, plan_int32), no_macs, _TYPES, BINARY, max_version=4),
    OpHandler("MAXIMUM", check_int32, single(emit_int32, plan_int32), no_macs, _TYPES, BINARY, max_version=4),
)
