"""RELU and RELU6: int8 and float32, as TFLM's kernels.

The int8 constants are derived as TFLM's Prepare derives them (see elementwise_quant.py).
MACs: 0 (no multiply-accumulate work; rescaling multiplies are not counted).
"""
from __future__ import annotations

from ..elementwise_quant import ReluQuant, relu6_bounds, relu_quant
from ..model import Model, Operator
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .add_sub_common import activation_field, check_quant, check_unary, quant_field, scale_zp, unary_layer, unary_plan, unsupported
from .registry import OpHandler, no_macs, unary

HEADER = "activations/tb_activations.h"


def check_relu(model: Model, op: Operator) -> None:
    inp, out = check_unary(model, op, ("int8", "float32"))
    if inp.dtype == "int8":
        q = relu_quant(*scale_zp(inp), *scale_zp(out))
        if not -31 <= q.shift <= 31:
            raise unsupported(op, f"input/output scales needing shift {q.shift} (outside -31..31)")


def check_relu6(model: Model, op: Operator) -> None:
    inp, _ = check_unary(model, op, ("int8", "float32"))
    if inp.dtype == "int8":
        check_quant(op, lambda: relu6_bounds(*scale_zp(inp)))


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
    return unary_layer(ctx, plan, "tb_relu_s8", params, HEADER)


def emit_relu6(ctx: EmitContext, plan: LayerPlan) -> Layer:
    if plan.params is None:
        return unary_layer(ctx, plan, "tb_relu6_f32", None, HEADER)
    zero, six = plan.params
    params = CStruct("tb_relu6_params_t", f"{plan.prefix}_params", (("zero", str(zero)), ("six", str(six))),
                     compact=True)
    return unary_layer(ctx, plan, "tb_relu6_s8", params, HEADER)


RELU = single(emit_relu, unary_plan(lambda op, inp, out: relu_quant(*scale_zp(inp), *scale_zp(out))))
RELU6 = single(emit_relu6, unary_plan(lambda op, inp, out: relu6_bounds(*scale_zp(inp))))
HANDLERS = (
    OpHandler("RELU", check_relu, RELU, no_macs, "int8, float32", unary(), max_version=3),
    OpHandler("RELU6", check_relu6, RELU6, no_macs, "int8, float32", unary(), max_version=3),
)
