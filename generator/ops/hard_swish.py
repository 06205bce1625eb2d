"""HARD_SWISH: int8 with TFLM's 16-bit fixed-point arithmetic, and float32 (TFLM's float formula).

The int8 constants are derived as TFLM's Prepare derives them (see elementwise_quant.py).
MACs: 0 (no multiply-accumulate work; rescaling multiplies are not counted).
"""
from __future__ import annotations

from ..elementwise_quant import HardSwishQuant, hard_swish_quant
from ..model import Model, Operator
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .add_sub_common import check_quant, check_unary, scale_zp, unary_layer, unary_plan
from .registry import OpHandler, no_macs, unary

HEADER = "activations/tb_activations.h"


def check_hard_swish(model: Model, op: Operator) -> None:
    inp, out = check_unary(model, op, ("int8", "float32"))
    if inp.dtype == "int8":
        check_quant(op, lambda: hard_swish_quant(*scale_zp(inp), *scale_zp(out)))


def emit_hard_swish(ctx: EmitContext, plan: LayerPlan) -> Layer:
    if plan.params is None:  # float32: TFLM's float reference formula
        return unary_layer(ctx, plan, "tb_hard_swish_f32", None, "activations/tb_activations_extra.h")
    q: HardSwishQuant = plan.params
    params = CStruct("tb_hard_swish_params_t", f"{plan.prefix}_params", (
        ("input_zero_point", str(q.input_zero_point)),
        ("output_zero_point", str(q.output_zero_point)),
        ("output_multiplier", str(q.output_multiplier_fixedpoint_int16)),
        ("reluish_multiplier", str(q.reluish_multiplier_fixedpoint_int16)),
        ("output_exponent", str(q.output_multiplier_exponent)),
        ("reluish_exponent", str(q.reluish_multiplier_exponent)),
    ))
    return unary_layer(ctx, plan, "tb_hard_swish_s8", params, HEADER)


VARIANTS = single(emit_hard_swish, unary_plan(lambda op, inp, out: hard_swish_quant(*scale_zp(inp), *scale_zp(out))))
HANDLERS = (
    OpHandler("HARD_SWISH", check_hard_swish, VARIANTS, no_macs, "int8, float32", unary(), max_version=1),
)
