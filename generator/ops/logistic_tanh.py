"""LOGISTIC and TANH: int8 (gemmlowp fixed point on Q4.27 inputs, as TFLM) and float32.

The int8 constants are derived as TFLM's Prepare derives them (see elementwise_quant.py).
MACs: 0 (no multiply-accumulate work; rescaling multiplies are not counted).
"""
from __future__ import annotations

from ..elementwise_quant import logistic_tanh_quant
from ..model import Model, Operator
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .add_sub_common import check_quant, check_unary, quant_field, scale_zp, unsupported
from .registry import OpHandler, no_macs, unary

HEADER = "activations/tb_activations.h"


def check_logistic(model: Model, op: Operator) -> None:
    inp, out = check_unary(model, op, ("int8", "float32"))
    if inp.dtype == "int8":
        if scale_zp(out)[1] != -128:
            raise unsupported(op, f"an int8 output with zero point {scale_zp(out)[1]} (TFLM requires -128)")
        check_quant(op, lambda: logistic_tanh_quant(*scale_zp(inp)))


def check_tanh(model: Model, op: Operator) -> None:
    # TFLM's int8 TANH writes tanh in 1/128 steps with zero point 0 whatever the output's
    # quantization says; like TFLM we do not check the output parameters.
    inp, _ = check_unary(model, op, ("int8", "float32"))
    if inp.dtype == "int8":
        check_quant(op, lambda: logistic_tanh_quant(*scale_zp(inp)))


def _emit_sigmoid_like(ctx: EmitContext, op: Operator, stem: str) -> Layer:
    inp, out = ctx.input(op), ctx.output(op)
    prefix = f"tb_l{op.index}"
    size = str(out.num_elements)
    source, dest = ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False)
    if inp.dtype == "float32":
        return Layer(op.index, op.name, op.index, f"{stem}_f32", (size, source, dest), (), header=HEADER)
    q = logistic_tanh_quant(*scale_zp(inp))
    params = CStruct("tb_sigmoid_params_t", f"{prefix}_params", (
        ("input_zero_point", str(q.input_zero_point)),
        ("input_range_radius", str(q.input_range_radius)),
        ("input_quant", quant_field(q.input_multiplier, q.input_left_shift)),
    ))
    return Layer(op.index, op.name, op.index, f"{stem}_s8", (f"&{params.name}", size, source, dest),
                 (params,), header=HEADER)


def emit_logistic(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    return _emit_sigmoid_like(ctx, op, "tb_logistic")


def emit_tanh(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    return _emit_sigmoid_like(ctx, op, "tb_tanh")


HANDLERS = (
    OpHandler("LOGISTIC", check_logistic, single(emit_logistic), no_macs, "int8 (output zero point -128), float32", unary(),
              max_version=3),
    OpHandler("TANH", check_tanh, single(emit_tanh), no_macs, "int8, float32", unary(), max_version=3),
)
