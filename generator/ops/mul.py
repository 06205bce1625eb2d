"""MUL: int8 (one output multiplier, TFLM reference arithmetic) and float32, with
broadcasting up to 6 dimensions, fused activations and constant operands in flash.

MACs: one multiply per output element (counted as one MAC each).
"""
from __future__ import annotations

from functools import partial

from ..elementwise_quant import MulQuant, QuantParamError, mul_quant
from ..model import Model, Operator
from . import slots
from .add_sub import BINARY, emit_binary, plan_binary
from .c_emit import EmitContext, Layer
from .layer_plan import LayerPlan, single
from .add_sub_common import (
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
    if slots.output_tensor(model, op).dtype == "int32":
        from .int32_math import check_int32  # int32 MUL (unquantized): int32_math.py
        check_int32(model, op)
        return
    in1, in2, out = check_binary(model, op, ("int8", "float32"))
    if out.dtype == "int8":
        try:
            q = mul_quant(*scale_zp(in1), *scale_zp(in2), *scale_zp(out), activation)
        except QuantParamError as exc:
            raise quant_error(op, exc) from None
        if not -31 <= q.shift <= 31:
            raise unsupported(op, f"scales whose product ratio needs shift {q.shift} (outside -31..31)")


def macs(model: Model, op: Operator) -> int:
    return slots.output_tensor(model, op).num_elements


def _quant(model: Model, op: Operator) -> MulQuant:
    return mul_quant(*binary_scales(model, op), str(op.options.get("fused_activation_function", "NONE")))


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


HANDLERS = (OpHandler("MUL", check, single(emit, partial(plan_binary, quant=_quant)), macs,
                      "int8, float32, int32 (unquantized; broadcasting up to 6-D, fused NONE/RELU/RELU6/RELU_N1_TO_1, constant operands)",
                      BINARY, max_version=7),)
