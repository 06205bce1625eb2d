"""MAXIMUM and MINIMUM: float32, int8, int16, int32, int64 with broadcasting up to 5-D and
constant operands, as TFLM's maximum_minimum.cc: the stored values are compared (no rescaling;
TFLM reads neither input's quantization), a > b ? a : b (MINIMUM: <).

MACs: 0.
"""
from __future__ import annotations

from ..model import Model, Operator
from .c_emit import EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs
from .typed_elementwise import BINARY_ROLES, check_binary_typed, emit_broadcast, kernel_name, operand_constants

HEADER = "minmax/tb_minmax.h"
TYPES = ("float32", "int8", "int16", "int32", "int64")
MAX_BROADCAST_RANK = 5  # TFLM's MaximumMinimumBroadcastSlow


def check(model: Model, op: Operator) -> None:
    check_binary_typed(model, op, TYPES, None, MAX_BROADCAST_RANK)


def plan(ctx: PlanContext, op: Operator) -> Planned:
    return Planned(None, operand_constants(ctx.model, op, BINARY_ROLES))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return emit_broadcast(ctx, plan, kernel_name(plan.op, ctx.input(plan.op).dtype), HEADER)


VARIANTS = single(emit, plan)
_OPERANDS = Operands(2, 2, roles=("first input", "second input"))
_TYPES = ", ".join(TYPES) + " (stored values compared, no rescaling; broadcasting up to 5-D, constant operands)"
HANDLERS = (
    OpHandler("MAXIMUM", check, VARIANTS, no_macs, _TYPES, _OPERANDS, max_version=4),
    OpHandler("MINIMUM", check, VARIANTS, no_macs, _TYPES, _OPERANDS, max_version=4),
)
