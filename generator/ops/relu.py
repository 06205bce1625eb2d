"""RELU and RELU6: int8, int16 and float32, as TFLM's kernels.

The integer constants are derived as TFLM's Prepare derives them (see elementwise_quant.py; int16
differs only in its range, and TFLM's RELU requires int16 zero points of 0).
MACs: 0 (no multiply-accumulate work; rescaling multiplies are not counted).
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from ..elementwise_quant import QuantParamError, ReluQuant, relu6_bounds, relu_quant
from ..model import Model, Operator, Tensor
from ..quantization import round_half_away
from . import checks
from .add_sub_common import activation_field, check_quant, check_unary, quant_error, quant_field, scale_zp, unary_layer, unsupported
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, no_macs, unary

HEADER = "activations/tb_activations.h"
HEADER_EXTRA = "activations/tb_activations_extra.h"
INT16_MIN, INT16_MAX = -32768, 32767


def relu_quant_for(inp: Tensor, out: Tensor) -> ReluQuant:
    """relu_quant, with int16's range for int16 (TFLM's CalculateReluOpData<int16_t>)."""
    q = relu_quant(*scale_zp(inp), *scale_zp(out))
    if inp.dtype == "int16":
        q = dataclasses.replace(q, activation_min=max(INT16_MIN, q.output_zero_point), activation_max=INT16_MAX)
    return q


def relu6_bounds_for(inp: Tensor) -> tuple[int, int]:
    """relu6_bounds, with int16's range for int16 (FloatToQuantizedType<int16_t> clamps to it)."""
    if inp.dtype != "int16":
        return relu6_bounds(*scale_zp(inp))
    scale, zero_point = scale_zp(inp)
    quotient = float(np.float32(6.0) / np.float32(scale))
    if not np.isfinite(quotient) or abs(quotient) >= 2.0**31:
        raise QuantParamError(f"input scale {scale!r} puts 6.0 outside the int32 range")
    six = int(float(np.float32(round_half_away(quotient)) + np.float32(zero_point)))
    return zero_point, max(INT16_MIN, min(INT16_MAX, six))


def check_relu(model: Model, op: Operator) -> None:
    inp, out = _check_types(model, op)
    if inp.dtype == "int16":
        for t, role in ((inp, "input"), (out, "output")):
            if scale_zp(t)[1] != 0:
                raise quant_error(op, QuantParamError(f"int16 RELU needs a {role} zero point of 0"))
    if inp.dtype != "float32":
        q = relu_quant_for(inp, out)
        if not -31 <= q.shift <= 31:
            raise unsupported(op, f"input/output scales needing shift {q.shift} (outside -31..31)")


def check_relu6(model: Model, op: Operator) -> None:
    inp, _ = _check_types(model, op)
    if inp.dtype != "float32":
        check_quant(op, lambda: relu6_bounds_for(inp))


def _check_types(model: Model, op: Operator) -> tuple[Tensor, Tensor]:
    inp, out = check_unary(model, op, ("int8", "int16", "float32"))
    if inp.dtype == "int16":
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
    return inp, out


def emit_relu(ctx: EmitContext, plan: LayerPlan) -> Layer:
    q: ReluQuant | None = plan.params
    if q is None:
        return unary_layer(ctx, plan, "tb_relu_f32", None, HEADER)
    params = CStruct("tb_relu_params_t", f"{plan.prefix}_params", (
        ("input_zero_point", str(q.input_zero_point)),
        ("output_zero_point", str(q.output_zero_point)),
        ("quant", quant_field(q.multiplier, q.shift)),
        ("activation", activation_field(q.activation_min, q.activation_max)),
    ))
    if ctx.input(plan.op).dtype == "int16":
        return unary_layer(ctx, plan, "tb_relu_s16", params, HEADER_EXTRA)
    return unary_layer(ctx, plan, "tb_relu_s8", params, HEADER)


def emit_relu6(ctx: EmitContext, plan: LayerPlan) -> Layer:
    if plan.params is None:
        return unary_layer(ctx, plan, "tb_relu6_f32", None, HEADER)
    zero, six = plan.params
    params = CStruct("tb_relu6_params_t", f"{plan.prefix}_params", (("zero", str(zero)), ("six", str(six))),
                     compact=True)
    if ctx.input(plan.op).dtype == "int16":
        return unary_layer(ctx, plan, "tb_relu6_s16", params, HEADER_EXTRA)
    return unary_layer(ctx, plan, "tb_relu6_s8", params, HEADER)


def _integer_plan(derive: Callable[[Tensor, Tensor], Any]) -> Callable[[PlanContext, Operator], Planned]:
    """The plan of an int8 or int16 RELU/RELU6: derive(input, output); nothing for float32."""
    def plan(ctx: PlanContext, op: Operator) -> Planned:
        inp, out = ctx.input(op), ctx.output(op)
        return Planned(derive(inp, out) if inp.dtype != "float32" else None)

    return plan


RELU = single(emit_relu, _integer_plan(relu_quant_for))
RELU6 = single(emit_relu6, _integer_plan(lambda inp, out: relu6_bounds_for(inp)))
HANDLERS = (
    OpHandler("RELU", check_relu, RELU, no_macs, "int8, int16, float32 (int16 zero points 0)", unary(), max_version=3),
    OpHandler("RELU6", check_relu6, RELU6, no_macs, "int8, int16, float32", unary(), max_version=3),
)
