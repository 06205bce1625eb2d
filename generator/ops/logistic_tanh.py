"""LOGISTIC and TANH: int8 (gemmlowp fixed point on Q4.27 inputs, as TFLM), int16 (TFLM's
interpolated sigmoid table, generator/int16_sigmoid.py) and float32.

The int8 constants are derived as TFLM's Prepare derives them (see elementwise_quant.py), the
int16 input rescaling as int16_sigmoid.input_rescale says.
MACs: 0 (no multiply-accumulate work; rescaling multiplies are not counted).
"""
from __future__ import annotations

from functools import partial

from ..elementwise_quant import SigmoidLikeQuant, logistic_tanh_quant
from ..int16_sigmoid import InputRescale, input_rescale
from ..model import Model, Operator, Tensor
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .add_sub_common import check_quant, check_unary, quant_field, scale_zp, unary_layer, unary_plan, unsupported
from .registry import OpHandler, no_macs, unary

HEADER = "activations/tb_activations.h"


def _int16_rescale(op: Operator, inp: Tensor, out: Tensor) -> InputRescale:
    return input_rescale(op.name, *scale_zp(inp), *scale_zp(out))


def check_logistic(model: Model, op: Operator) -> None:
    inp, out = check_unary(model, op, ("int8", "int16", "float32"))
    if inp.dtype == "int16":
        check_quant(op, lambda: _int16_rescale(op, inp, out))
    elif inp.dtype == "int8":
        if scale_zp(out)[1] != -128:
            raise unsupported(op, f"an int8 output with zero point {scale_zp(out)[1]} (TFLM requires -128)")
        check_quant(op, lambda: logistic_tanh_quant(*scale_zp(inp)))


def check_tanh(model: Model, op: Operator) -> None:
    # TFLM's int8 TANH writes tanh in 1/128 steps with zero point 0 whatever the output's
    # quantization says; like TFLM we do not check the output parameters.
    inp, out = check_unary(model, op, ("int8", "int16", "float32"))
    if inp.dtype == "int16":
        check_quant(op, lambda: _int16_rescale(op, inp, out))
    elif inp.dtype == "int8":
        check_quant(op, lambda: logistic_tanh_quant(*scale_zp(inp)))


def _emit_sigmoid_like(ctx: EmitContext, plan: LayerPlan, stem: str) -> Layer:
    q: SigmoidLikeQuant | InputRescale | None = plan.params
    if isinstance(q, InputRescale):
        params = CStruct("tb_sigmoid_s16_params_t", f"{plan.prefix}_params", (
            ("multiplier", str(q.multiplier)), ("shift", str(q.shift)),
        ), compact=True)
        return unary_layer(ctx, plan, f"{stem}_s16", params, HEADER)
    if q is None:
        return unary_layer(ctx, plan, f"{stem}_f32", None, HEADER)
    params = CStruct("tb_sigmoid_params_t", f"{plan.prefix}_params", (
        ("input_zero_point", str(q.input_zero_point)),
        ("input_range_radius", str(q.input_range_radius)),
        ("input_quant", quant_field(q.input_multiplier, q.input_left_shift)),
    ))
    return unary_layer(ctx, plan, f"{stem}_s8", params, HEADER)


_PLAN = unary_plan(lambda op, inp, out: _int16_rescale(op, inp, out) if inp.dtype == "int16"
                   else logistic_tanh_quant(*scale_zp(inp)))
LOGISTIC = single(partial(_emit_sigmoid_like, stem="tb_logistic"), _PLAN)
TANH = single(partial(_emit_sigmoid_like, stem="tb_tanh"), _PLAN)
HANDLERS = (
    OpHandler("LOGISTIC", check_logistic, LOGISTIC, no_macs,
              "int8 (output zero point -128), int16 (zero points 0, output scale 2^-15), float32", unary(),
              max_version=3),
    OpHandler("TANH", check_tanh, TANH, no_macs, "int8, int16 (zero points 0, output scale 2^-15), float32",
              unary(), max_version=3),
)
