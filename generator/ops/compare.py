"""EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL: bool outputs, broadcasting up to
4-D (TFLM's Broadcast4DSlow...), constant operands kept in flash.

Types as TFLM's comparisons.cc: float32, int32 and int64 compare the stored values, bool only for
(NOT_)EQUAL; int8 compares after TFLM's rescaling (ComparisonWithScaling), whose constants are
derived here as its ComparisonsPrepare does (comparison_quant). GREATER's int16 case is left out:
TFLM's Prepare derives no rescaling for int16, so its Eval reads parameters never set.
MACs: 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..elementwise_quant import QuantParamError, quantize_multiplier_smaller_than_one_exp
from ..errors import UnsupportedTensorError
from ..model import Model, Operator
from . import slots
from .add_sub_common import quant_error, quant_field, scale_zp
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs
from .tflm_ops import undefined_in_tflm
from .typed_elementwise import BINARY_ROLES, check_binary_typed, emit_broadcast, kernel_name, operand_constants

HEADER = "compare/tb_compare.h"
LEFT_SHIFT = 8  # TFLM's kLeftShift for int8 comparisons
MAX_BROADCAST_RANK = 4


@dataclass(frozen=True)
class CompareQuant:
    """TFLM's ComparisonParams for int8 inputs."""

    input1_offset: int
    input2_offset: int
    left_shift: int
    input1_multiplier: int
    input1_shift: int
    input2_multiplier: int
    input2_shift: int


def comparison_quant(scale1: float, zero_point1: int, scale2: float, zero_point2: int) -> CompareQuant:
    """As TFLM's ComparisonsPrepare: offsets -zero_point, left shift 8, and each input's own scale
    as a multiplier below one (QuantizeMultiplierSmallerThanOneExp, which needs scale < 1).

    Raises:
        QuantParamError: a scale of 1 or more (TFLM's Prepare aborts on it).
    """
    m1, s1 = quantize_multiplier_smaller_than_one_exp(scale1)
    m2, s2 = quantize_multiplier_smaller_than_one_exp(scale2)
    return CompareQuant(-zero_point1, -zero_point2, LEFT_SHIFT, m1, s1, m2, s2)


def _types(op_name: str) -> tuple[str, ...]:
    base = ("float32", "int8", "int32", "int64")
    return ("bool", *base) if op_name in ("EQUAL", "NOT_EQUAL") else base


def _quant(model: Model, op: Operator) -> CompareQuant:
    in1, in2 = slots.required_input(model, op, slots.INPUT1), slots.required_input(model, op, slots.INPUT2)
    return comparison_quant(*scale_zp(in1), *scale_zp(in2))


def check(model: Model, op: Operator) -> None:
    first = slots.required_input(model, op, slots.INPUT1)
    if (undefined := undefined_in_tflm(op.name, first.dtype)) is not None:
        raise UnsupportedTensorError(first.name, first.dtype, f"{op.name} (operator #{op.index}) first input {undefined}")
    in1, _, _ = check_binary_typed(model, op, _types(op.name), "bool", MAX_BROADCAST_RANK)
    if in1.dtype == "int8":
        try:
            _quant(model, op)
        except QuantParamError as exc:
            raise quant_error(op, exc) from None


def plan(ctx: PlanContext, op: Operator) -> Planned:
    int8 = ctx.input(op).dtype == "int8"
    return Planned(_quant(ctx.model, op) if int8 else None, operand_constants(ctx.model, op, BINARY_ROLES))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    dtype = ctx.input(plan.op).dtype
    params = None
    if dtype == "int8":
        q: CompareQuant = plan.params
        params = CStruct("tb_compare_params_t", f"{plan.prefix}_params", (
            ("input1_offset", str(q.input1_offset)),
            ("input2_offset", str(q.input2_offset)),
            ("left_shift", str(q.left_shift)),
            ("input1_quant", quant_field(q.input1_multiplier, q.input1_shift)),
            ("input2_quant", quant_field(q.input2_multiplier, q.input2_shift)),
        ))
    return emit_broadcast(ctx, plan, kernel_name(plan.op, dtype), HEADER, params)


VARIANTS = single(emit, plan)
OPERANDS = Operands(2, 2, roles=("first input", "second input"))
_REMARK = " (bool output; broadcasting up to 4-D; int8 rescaled as TFLM; constant operands)"
HANDLERS = tuple(
    OpHandler(name, check, VARIANTS, no_macs, ", ".join(_types(name)) + _REMARK, OPERANDS, max_version=version)
    for name, version in (("EQUAL", 5), ("NOT_EQUAL", 4), ("LESS", 3), ("LESS_EQUAL", 2), ("GREATER", 2),
                          ("GREATER_EQUAL", 3))
)
