"""SQUARED_DIFFERENCE: float32, int32, int8 and int16 (TFLM's rescaled arithmetic), broadcasting
up to 4-D and constant operands, as TFLM's squared_difference.cc.

The int8/int16 constants are derived as TFLM's PrepareQuantized does (squared_difference_quant).
MACs: 0.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..elementwise_quant import QuantParamError, quantize_multiplier, quantize_multiplier_smaller_than_one_exp
from ..model import Model, Operator
from ..quantization import quantized_range
from . import checks, slots
from .add_sub_common import activation_field, quant_error, quant_field, scale_zp
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs
from .typed_elementwise import BINARY_ROLES, check_binary_typed, emit_broadcast, kernel_name, operand_constants

HEADER = "arith/tb_arith.h"
LEFT_SHIFTS = {"int8": 7, "int16": 0}


@dataclass(frozen=True)
class SquaredDifferenceQuant:
    input1_offset: int
    input2_offset: int
    output_offset: int
    left_shift: int
    input1_multiplier: int
    input1_shift: int
    input2_multiplier: int
    input2_shift: int
    output_multiplier: int
    output_shift: int
    activation_min: int
    activation_max: int


def squared_difference_quant(dtype: str, scale1: float, zero_point1: int, scale2: float, zero_point2: int,
                             output_scale: float, output_zero_point: int) -> SquaredDifferenceQuant:
    """As TFLM's PrepareQuantized: a common input scale of twice the larger input scale (double),
    each input's multiplier below one, the output multiplier (twice_max^2 / (2^(2 left_shift) *
    output_scale), the product taken in float32 as TFLM's int * float), the type's range as the
    clamp. int16 needs zero points of 0.

    Raises:
        QuantParamError: a zero point TFLM's Prepare refuses, or a multiplier it cannot quantize.
    """
    left_shift = LEFT_SHIFTS[dtype]
    if dtype == "int16" and (zero_point1, zero_point2, output_zero_point) != (0, 0, 0):
        raise QuantParamError("int16 SQUARED_DIFFERENCE needs zero points of 0 on both inputs and the output")
    twice_max = 2.0 * max(scale1, scale2)
    m1, s1 = quantize_multiplier_smaller_than_one_exp(scale1 / twice_max)
    m2, s2 = quantize_multiplier_smaller_than_one_exp(scale2 / twice_max)
    denominator = float(np.float32(np.float32(1 << (2 * left_shift)) * np.float32(output_scale)))
    mo, so = quantize_multiplier(twice_max * twice_max / denominator)
    if not -31 <= so <= 31:
        raise QuantParamError(f"output multiplier needs shift {so} (outside -31..31)")
    low, high = quantized_range(dtype)
    return SquaredDifferenceQuant(-zero_point1, -zero_point2, output_zero_point, left_shift, m1, s1, m2, s2, mo, so,
                                  low, high)


def _quant(model: Model, op: Operator) -> SquaredDifferenceQuant:
    in1, in2 = slots.required_input(model, op, slots.INPUT1), slots.required_input(model, op, slots.INPUT2)
    out = slots.output_tensor(model, op)
    return squared_difference_quant(in1.dtype, *scale_zp(in1), *scale_zp(in2), *scale_zp(out))


def check(model: Model, op: Operator) -> None:
    in1, in2, out = check_binary_typed(model, op, ("float32", "int32", "int8", "int16"), None, 4)
    if in1.dtype in LEFT_SHIFTS:
        for t, role in ((in1, "first input"), (in2, "second input"), (out, "output")):
            checks.expect_per_tensor(op, t, role)
        try:
            _quant(model, op)
        except QuantParamError as exc:
            raise quant_error(op, exc) from None


def plan(ctx: PlanContext, op: Operator) -> Planned:
    quantized = ctx.input(op).dtype in LEFT_SHIFTS
    return Planned(_quant(ctx.model, op) if quantized else None, operand_constants(ctx.model, op, BINARY_ROLES))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    dtype = ctx.input(plan.op).dtype
    params = None
    if dtype in LEFT_SHIFTS:
        q: SquaredDifferenceQuant = plan.params
        params = CStruct("tb_squared_difference_params_t", f"{plan.prefix}_params", (
            ("input1_offset", str(q.input1_offset)),
            ("input2_offset", str(q.input2_offset)),
            ("output_offset", str(q.output_offset)),
            ("left_shift", str(q.left_shift)),
            ("input1_quant", quant_field(q.input1_multiplier, q.input1_shift)),
            ("input2_quant", quant_field(q.input2_multiplier, q.input2_shift)),
            ("output_quant", quant_field(q.output_multiplier, q.output_shift)),
            ("activation", activation_field(q.activation_min, q.activation_max)),
        ))
    return emit_broadcast(ctx, plan, kernel_name(plan.op, dtype), HEADER, params)


HANDLERS = (
    OpHandler("SQUARED_DIFFERENCE", check, single(emit, plan), no_macs,
              "float32, int32, int8, int16 (int8/int16 rescaled as TFLM; broadcasting up to 4-D, constant operands)",
              Operands(2, 2, roles=("first input", "second input")), max_version=2),
)
