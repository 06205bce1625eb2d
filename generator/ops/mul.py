"""MUL: int8 and int16 (one output multiplier, TFLM reference arithmetic; int16 with zero points
0, as TFLM requires), int32 (unquantized, wrapping, fused activation as TFLM's int32 range) and
float32, with broadcasting up to 6 dimensions, fused activations and constant operands in flash.

MACs: one multiply per output element (counted as one MAC each).
"""
from __future__ import annotations

from functools import partial

from ..elementwise_quant import MulQuant, QuantParamError, mul_quant
from ..model import Model, Operator
from . import mul_dsp, slots
from .add_sub import BINARY, BINARY_TYPES, emit_binary, plan_binary
from .c_emit import EmitContext, Layer
from .layer_plan import LayerPlan, single
from .add_sub_common import (
    QUANTIZED_TYPES,
    RUN_WITH_TFLM,
    activation_field,
    binary_scales,
    check_binary,
    check_fused_activation,
    quant_error,
    quant_field,
    scale_zp,
    unsupported,
)
from .registry import OpHandler


def check(model: Model, op: Operator) -> None:
    activation = check_fused_activation(op)
    in1, in2, out = check_binary(model, op, BINARY_TYPES)
    if out.dtype in QUANTIZED_TYPES:
        try:
            q = mul_quant(*scale_zp(in1), *scale_zp(in2), *scale_zp(out), activation, out.dtype)
        except QuantParamError as exc:
            raise quant_error(op, exc) from None
        if not -31 <= q.shift <= 31:
            raise unsupported(op, f"scales whose product ratio needs shift {q.shift} (outside -31..31; {RUN_WITH_TFLM})")


def macs(model: Model, op: Operator) -> int:
    return slots.output_tensor(model, op).num_elements


def _quant(model: Model, op: Operator) -> MulQuant:
    return mul_quant(*binary_scales(model, op), str(op.options.get("fused_activation_function", "NONE")),
                     slots.output_tensor(model, op).dtype)


def _fields(q: MulQuant) -> tuple[tuple[str, str], ...]:
    return (
        ("input1_offset", str(q.input1_offset)),
        ("input2_offset", str(q.input2_offset)),
        ("output_offset", str(q.output_offset)),
        ("output_quant", quant_field(q.multiplier, q.shift)),
        ("activation", activation_field(q.activation_min, q.activation_max)),
    )


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return emit_binary(ctx, plan, "tb_mul", "tb_mul_params_t", _fields)


HANDLERS = (OpHandler("MUL", check, (mul_dsp.variant(_quant), *single(emit, partial(plan_binary, quant=_quant))), macs,
                      "int8, int16, int32, float32 (broadcasting up to 6-D, fused NONE/RELU/RELU6/RELU_N1_TO_1, constant operands)",
                      BINARY, max_version=7),)
