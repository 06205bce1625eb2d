"""PRELU: float32, int8 (int8 alpha) and int16 (int8 alpha), broadcasting up to 4-D (alpha is
usually a constant of the channel shape), as TFLM's prelu.cc.

The integer constants are derived as TFLM's CalculatePreluParams does (prelu_quant).
MACs: 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..model import Model, Operator
from ..quantization import quantize_multiplier
from . import checks, slots
from .add_sub_common import broadcast_layout, quant_field, scale_zp, unsupported
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs
from .typed_elementwise import BINARY_ROLES, check_operand_counts, emit_broadcast, operand_constants

HEADER = "prelu/tb_prelu.h"
ALPHA_TYPES = {"float32": "float32", "int8": "int8", "int16": "int8"}
SUFFIXES = {"float32": "f32", "int8": "s8", "int16": "s16"}


@dataclass(frozen=True)
class PreluQuant:
    input_offset: int
    alpha_offset: int
    output_offset: int
    identity_multiplier: int
    identity_shift: int
    alpha_multiplier: int
    alpha_shift: int


def prelu_quant(input_scale: float, input_zero_point: int, alpha_scale: float, alpha_zero_point: int,
                output_scale: float, output_zero_point: int) -> PreluQuant:
    """As TFLM's CalculatePreluParams: input/output and input*alpha/output in double precision."""
    m1, s1 = quantize_multiplier(input_scale / output_scale)
    m2, s2 = quantize_multiplier(input_scale * alpha_scale / output_scale)
    return PreluQuant(-input_zero_point, -alpha_zero_point, output_zero_point, m1, s1, m2, s2)


def _quant(model: Model, op: Operator) -> PreluQuant:
    inp, alpha = slots.required_input(model, op, 0), slots.required_input(model, op, 1)
    return prelu_quant(*scale_zp(inp), *scale_zp(alpha), *scale_zp(slots.output_tensor(model, op)))


def check(model: Model, op: Operator) -> None:
    check_operand_counts(op, 2)
    inp, alpha = checks.required(model, op, 0, "input"), checks.required(model, op, 1, "alpha")
    out = checks.required(model, op, 0, "output")
    checks.expect_dtype(op, inp, "input", tuple(ALPHA_TYPES))
    checks.expect_dtype(op, alpha, "alpha", (ALPHA_TYPES[inp.dtype],))
    checks.expect_dtype(op, out, "output", (inp.dtype,))
    try:
        broadcast_layout(out.shape, inp.shape, alpha.shape)
    except ValueError as exc:
        raise unsupported(op, f"input and alpha shapes {list(inp.shape)} and {list(alpha.shape)} ({exc})") from None
    if max(len(inp.shape), len(alpha.shape), len(out.shape)) > 4:
        raise unsupported(op, "more than 4 dimensions (TFLM's PRELU broadcasts up to 4-D)")
    if inp.dtype != "float32":
        for t, role in ((inp, "input"), (alpha, "alpha"), (out, "output")):
            checks.expect_per_tensor(op, t, role)
        q = _quant(model, op)
        for name, shift in (("identity", q.identity_shift), ("alpha", q.alpha_shift)):
            if not -31 <= shift <= 31:
                raise unsupported(op, f"an {name} multiplier needing shift {shift} (outside -31..31)")


def plan(ctx: PlanContext, op: Operator) -> Planned:
    quantized = ctx.input(op).dtype != "float32"
    return Planned(_quant(ctx.model, op) if quantized else None, operand_constants(ctx.model, op, BINARY_ROLES))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    dtype = ctx.input(plan.op).dtype
    params = None
    if dtype != "float32":
        q: PreluQuant = plan.params
        params = CStruct("tb_prelu_params_t", f"{plan.prefix}_params", (
            ("input_offset", str(q.input_offset)),
            ("alpha_offset", str(q.alpha_offset)),
            ("output_offset", str(q.output_offset)),
            ("identity_quant", quant_field(q.identity_multiplier, q.identity_shift)),
            ("alpha_quant", quant_field(q.alpha_multiplier, q.alpha_shift)),
        ))
    return emit_broadcast(ctx, plan, f"tb_prelu_{SUFFIXES[dtype]}", HEADER, params)


HANDLERS = (
    OpHandler("PRELU", check, single(emit, plan), no_macs,
              "float32, int8, int16 (int8 alpha for both integer types; broadcasting up to 4-D, constant alpha)",
              Operands(2, 2, roles=("input", "alpha")), max_version=1),
)
