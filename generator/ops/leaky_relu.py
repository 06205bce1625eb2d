"""LEAKY_RELU: float32 as TFLM's reference LeakyRelu (x > 0 ? x : x * alpha, alpha as the float the
options hold); int8 and int16 with TFLM's two multipliers (identity and alpha; negative alpha
supported); int16 is the same arithmetic clamped to int16 (TFLM's QuantizeLeakyRelu<int16_t>).

The constants are derived as TFLM's Prepare derives them (see elementwise_quant.py).
MACs: 0 (no multiply-accumulate work; rescaling multiplies are not counted).
"""
from __future__ import annotations

from ..elementwise_quant import LeakyReluQuant, QuantParamError, leaky_relu_quant
from ..model import Model, Operator
from .c_emit import CStruct, EmitContext, Layer, c_float
from .layer_plan import LayerPlan, single
from .add_sub_common import (
    RUN_WITH_TFLM,
    check_unary,
    quant_error,
    quant_field,
    scale_zp,
    unary_layer,
    unary_plan,
    unsupported,
)
from .registry import OpHandler, no_macs, unary

HEADER = "activations/tb_activations.h"


def _alpha(op: Operator) -> float:
    return float(op.options.get("alpha", 0.0))


def check_leaky_relu(model: Model, op: Operator) -> None:
    inp, out = check_unary(model, op, ("float32", "int8", "int16"))
    if inp.dtype == "float32":
        return
    q = None
    try:
        q = leaky_relu_quant(_alpha(op), *scale_zp(inp), *scale_zp(out))
    except QuantParamError as exc:
        raise quant_error(op, exc) from None
    for name, shift in (("identity", q.identity_shift), ("alpha", q.alpha_shift)):
        if not -31 <= shift <= 31:
            raise unsupported(op, f"an {name} multiplier needing shift {shift} (outside -31..31; {RUN_WITH_TFLM})")


def emit_leaky_relu(ctx: EmitContext, plan: LayerPlan) -> Layer:
    if ctx.input(plan.op).dtype == "float32":
        alpha = CStruct("tb_leaky_relu_f32_params_t", f"{plan.prefix}_params", (("alpha", c_float(_alpha(plan.op))),))
        return unary_layer(ctx, plan, "tb_leaky_relu_f32", alpha, HEADER)
    q: LeakyReluQuant = plan.params
    params = CStruct("tb_leaky_relu_params_t", f"{plan.prefix}_params", (
        ("input_zero_point", str(q.input_zero_point)),
        ("output_zero_point", str(q.output_zero_point)),
        ("identity_quant", quant_field(q.identity_multiplier, q.identity_shift)),
        ("alpha_quant", quant_field(q.alpha_multiplier, q.alpha_shift)),
    ))
    function = "tb_leaky_relu_s16" if ctx.input(plan.op).dtype == "int16" else "tb_leaky_relu_s8"
    return unary_layer(ctx, plan, function, params, HEADER)


VARIANTS = single(emit_leaky_relu,
                  unary_plan(lambda op, inp, out: leaky_relu_quant(_alpha(op), *scale_zp(inp), *scale_zp(out))))
HANDLERS = (
    OpHandler("LEAKY_RELU", check_leaky_relu, VARIANTS, no_macs, "float32, int8, int16", unary(), max_version=2),
)
