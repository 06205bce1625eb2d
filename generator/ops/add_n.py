"""ADD_N: the sum of 2 to 16 tensors of one shape, float32 and int8, as TFLM's add_n.cc (no
broadcasting; int8 inputs share one scale and zero point, as TFLM's Prepare requires).

The int8 constants are derived as TFLM's CalculateOpData does (add_n_quant).
MACs: 0.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..elementwise_quant import QuantParamError, quantize_multiplier_smaller_than_one_exp
from ..model import Model, Operator
from . import checks
from .add_sub_common import activation_field, quant_error, quant_field, scale_zp, unsupported
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs
from .typed_elementwise import operand_constants, operand_pointer

HEADER = "add_n/tb_add_n.h"
MAX_INPUTS = 16  # TB_ADD_N_MAX_INPUTS
LEFT_SHIFT = 20  # TFLM's kAddNIntegerShift


@dataclass(frozen=True)
class AddNQuant:
    input_offset: int
    output_offset: int
    left_shift: int
    input_multiplier: int
    input_shift: int
    output_multiplier: int
    output_shift: int


def add_n_quant(input_scale: float, input_zero_point: int, output_scale: float, output_zero_point: int) -> AddNQuant:
    """As TFLM: a common scale of twice the input scale (so the input multiplier is 1/2), the output
    multiplier 2 * input_scale / (2^20 * output_scale), both below one (double precision).

    Raises:
        QuantParamError: an output multiplier of 1 or more (TFLM's Prepare aborts).
    """
    twice = 2.0 * input_scale
    mi, si = quantize_multiplier_smaller_than_one_exp(input_scale / twice)
    mo, so = quantize_multiplier_smaller_than_one_exp(twice / ((1 << LEFT_SHIFT) * output_scale))
    return AddNQuant(-input_zero_point, output_zero_point, LEFT_SHIFT, mi, si, mo, so)


def _roles(op: Operator) -> tuple[tuple[int, str], ...]:
    return tuple((slot, f"input{slot}") for slot in range(len(op.inputs)))


def check(model: Model, op: Operator) -> None:
    if not 2 <= len(op.inputs) <= MAX_INPUTS:
        raise unsupported(op, f"{len(op.inputs)} inputs (the kernel takes 2 to {MAX_INPUTS})")
    first = checks.required(model, op, 0, "first input")
    out = checks.required(model, op, 0, "output")
    checks.expect_dtype(op, first, "first input", ("float32", "int8"))
    checks.expect_dtype(op, out, "output", (first.dtype,))
    for slot in range(len(op.inputs)):
        t = checks.required(model, op, slot, f"input {slot}")
        checks.expect_dtype(op, t, f"input {slot}", (first.dtype,))
        if tuple(t.shape) != tuple(first.shape):
            raise unsupported(op, f"input {slot} of shape {list(t.shape)} beside {list(first.shape)} "
                                  "(TFLM's ADD_N needs every input of one shape)")
        if first.dtype == "int8":
            checks.expect_per_tensor(op, t, f"input {slot}")
            if scale_zp(t) != scale_zp(first):
                raise unsupported(op, f"input {slot}'s scale and zero point {scale_zp(t)} differ from the first "
                                      f"input's {scale_zp(first)} (TFLM's ADD_N requires them equal)")
    checks.expect_same_size(op, first, out)
    if first.dtype == "int8":
        checks.expect_per_tensor(op, out, "output")
        try:
            add_n_quant(*scale_zp(first), *scale_zp(out))
        except QuantParamError as exc:
            raise quant_error(op, exc) from None


def plan(ctx: PlanContext, op: Operator) -> Planned:
    first, out = ctx.input(op), ctx.output(op)
    q = add_n_quant(*scale_zp(first), *scale_zp(out)) if first.dtype == "int8" else None
    return Planned(q, operand_constants(ctx.model, op, _roles(op)))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, out = plan.op, ctx.output(plan.op)
    pointers = "{" + ", ".join(operand_pointer(ctx, op, slot, role) for slot, role in _roles(op)) + "}"
    fields: tuple[tuple[str, str], ...] = (("count", str(len(op.inputs))), ("inputs", pointers))
    if out.dtype == "float32":
        params = CStruct("tb_add_n_f32_params_t", f"{plan.prefix}_params", fields)
        function = "tb_add_n_f32"
    else:
        q: AddNQuant = plan.params
        params = CStruct("tb_add_n_s8_params_t", f"{plan.prefix}_params", fields + (
            ("input_offset", str(q.input_offset)),
            ("output_offset", str(q.output_offset)),
            ("left_shift", str(q.left_shift)),
            ("input_quant", quant_field(q.input_multiplier, q.input_shift)),
            ("output_quant", quant_field(q.output_multiplier, q.output_shift)),
            ("activation", activation_field(-128, 127)),
        ))
        function = "tb_add_n_s8"
    args = (f"&{params.name}", str(out.num_elements), ctx.arena_pointer(out.index, const=False))
    return layer(plan, function, args, (params,), HEADER)


HANDLERS = (
    OpHandler("ADD_N", check, single(emit, plan), no_macs,
              "float32, int8 (2 to 16 inputs of one shape; int8 inputs of one scale and zero point)",
              Operands(2, None, roles=("input 0", "input 1")), max_version=1),
)
