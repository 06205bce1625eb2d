"""LOGICAL_AND, LOGICAL_OR (bool, broadcasting up to 4-D, constant operands) and LOGICAL_NOT
(bool), as TFLM's logical.cc and elementwise.cc.

MACs: 0.
"""
from __future__ import annotations

from ..model import Model, Operator
from .c_emit import EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs, unary
from .typed_elementwise import (
    BINARY_ROLES,
    check_binary_typed,
    check_unary_typed,
    emit_broadcast,
    emit_unary,
    kernel_name,
    operand_constants,
)

HEADER = "logical/tb_logical.h"


def check_binary(model: Model, op: Operator) -> None:
    check_binary_typed(model, op, ("bool",), "bool", 4)


def check_not(model: Model, op: Operator) -> None:
    check_unary_typed(model, op, ("bool",))


def plan_binary(ctx: PlanContext, op: Operator) -> Planned:
    return Planned(None, operand_constants(ctx.model, op, BINARY_ROLES))


def emit_binary(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return emit_broadcast(ctx, plan, kernel_name(plan.op, "bool"), HEADER)


def emit_not(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return emit_unary(ctx, plan, kernel_name(plan.op, "bool"), HEADER)


_BINARY = single(emit_binary, plan_binary)
_OPERANDS = Operands(2, 2, roles=("first input", "second input"))
_TYPES = "bool (broadcasting up to 4-D, constant operands)"
HANDLERS = (
    OpHandler("LOGICAL_AND", check_binary, _BINARY, no_macs, _TYPES, _OPERANDS, max_version=1),
    OpHandler("LOGICAL_OR", check_binary, _BINARY, no_macs, _TYPES, _OPERANDS, max_version=1),
    OpHandler("LOGICAL_NOT", check_not, single(emit_not), no_macs, "bool", unary(), max_version=1),
)
