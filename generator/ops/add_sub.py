"""ADD and SUB: int8 (TFLM's shift-by-20 common-scale arithmetic) and float32, with
broadcasting up to 6 dimensions, fused activations, and constant operands kept in flash.

MACs: 0 (additions only).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ..elementwise_quant import AddSubQuant, QuantParamError, add_sub_quant, float_activation_range
from ..model import Model, Operator
from ..options import KernelSet
from ..quantization import multiply_by_quantized_multiplier
from . import dsp_requant, slots
from .c_emit import CStruct, EmitContext, Layer, c_float, layer
from .add_sub_common import (
    activation_field,
    broadcast_struct,
    check_binary,
    check_fused_activation,
    binary_scales,
    operand_constants,
    operand_pointers,
    quant_error,
    quant_field,
    scale_zp,
)
from .layer_plan import LayerPlan, PlanContext, Planned, Variant, int_constant
from .registry import OpHandler, Operands, no_macs

HEADER = "elementwise/tb_elementwise.h"


def check(model: Model, op: Operator) -> None:
    activation = check_fused_activation(op)
    if op.name == "ADD" and slots.output_tensor(model, op).dtype == "int32":
        from .int32_math import check_int32  # int32 ADD (unquantized): int32_math.py
        check_int32(model, op)
        return
    in1, in2, out = check_binary(model, op, ("int8", "float32"))
    if out.dtype == "int8":
        try:
            add_sub_quant(op.name, *scale_zp(in1), *scale_zp(in2), *scale_zp(out), activation)
        except QuantParamError as exc:
            raise quant_error(op, exc) from None


def float_activation_struct(prefix: str, activation: str) -> CStruct:
    low, high = float_activation_range(activation)
    return CStruct("tb_activation_f32_t", f"{prefix}_activation",
                   (("min", c_float(low)), ("max", c_float(high))), compact=True)


def plan_binary(ctx: PlanContext, op: Operator, quant: Callable[[Model, Operator], Any]) -> Planned:
    """ADD, SUB and MUL: the int8 quantization (None for float32) and the constant operands."""
    int8 = ctx.output(op).dtype == "int8"  # float32 and int32 have no quantization
    return Planned(quant(ctx.model, op) if int8 else None, operand_constants(ctx.model, op))


def emit_binary(ctx: EmitContext, plan: LayerPlan, function_stem: str, params_type: str,
                fields: Callable[[Any], tuple[tuple[str, str], ...]]) -> Layer:
    """The common part of ADD, SUB and MUL: parameters (int8: `fields` of the planned
    quantization; float32: the activation range), shapes, operands and the call."""
    op, prefix = plan.op, plan.prefix
    in1, in2, out = ctx.input(op, slots.INPUT1), ctx.input(op, slots.INPUT2), ctx.output(op)
    if out.dtype == "int32":
        from .int32_math import emit_int32  # int32 ADD and MUL (unquantized): int32_math.py
        return emit_int32(ctx, plan)
    pointer1, pointer2 = operand_pointers(ctx, op)
    if out.dtype == "float32":
        params = float_activation_struct(prefix, str(op.options.get("fused_activation_function", "NONE")))
        function = f"{function_stem}_f32"
    else:
        params = CStruct(params_type, f"{prefix}_params", fields(plan.params))
        function = f"{function_stem}_s8"
    shape = broadcast_struct(prefix, out, in1, in2)
    args = (f"&{params.name}", f"&{shape.name}", pointer1, pointer2, ctx.arena_pointer(out.index, const=False))
    return layer(plan, function, args, (params, shape), HEADER)


DSP_HEADER = "elementwise/tb_elementwise_dsp.h"


def _quant(model: Model, op: Operator) -> AddSubQuant:
    return add_sub_quant(op.name, *binary_scales(model, op), str(op.options.get("fused_activation_function", "NONE")))


def _dsp_words(q: AddSubQuant) -> list[list[int]] | None:
    return dsp_requant.requant_words([q.output_multiplier], [q.output_shift], q.output_offset, [0], [0], [2**29])


def _dsp_applies(model: Model, op: Operator) -> bool:
    """tb_add_s8_dsp: an int8 ADD without broadcasting whose requantization folds exactly."""
    in1, in2 = slots.required_input(model, op, slots.INPUT1), slots.required_input(model, op, slots.INPUT2)
    out = slots.output_tensor(model, op)
    if op.name != "ADD" or out.dtype != "int8" or not (tuple(in1.shape) == tuple(in2.shape) == tuple(out.shape)):
        return False
    return _dsp_words(_quant(model, op)) is not None


def _plan_dsp(ctx: PlanContext, op: Operator) -> Planned:
    """Each input's rescaling ((x + offset) << 20, then the input multiplier) is tabulated for all
    256 int8 values at generation time; the output requantization uses the folded DSP words."""
    q = _quant(ctx.model, op)
    words = _dsp_words(q)
    assert words is not None
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: {op.name}"
    luts = tuple(
        int_constant(f"{prefix}_{role}_lut", "int32_t",
                     [multiply_by_quantized_multiplier((x + offset) * (1 << q.left_shift), m, s) for x in range(-128, 128)],
                     f"{where} {role} on the common scale, indexed by x + 128", 8, 11)
        for role, offset, m, s in (("input1", q.input1_offset, q.input1_multiplier, q.input1_shift),
                                   ("input2", q.input2_offset, q.input2_multiplier, q.input2_shift)))
    requant = int_constant(f"{prefix}_requant", "int32_t", words[0], f"{where} output requantization words", 6, 11)
    return Planned(q, (*luts, requant, *operand_constants(ctx.model, op)))


def _emit_dsp(ctx: EmitContext, plan: LayerPlan) -> Layer:
    q: AddSubQuant = plan.params
    op, prefix = plan.op, plan.prefix
    clamp = q.activation_min > -128 or q.activation_max < 127
    params = CStruct("tb_add_dsp_params_t", f"{prefix}_params", (
        ("input1_lut", f"{prefix}_input1_lut"),
        ("input2_lut", f"{prefix}_input2_lut"),
        ("output_requant", f"{prefix}_requant"),
        ("activation", activation_field(q.activation_min, q.activation_max)),
        ("clamp", "1" if clamp else "0"),
    ))
    out = ctx.output(op)
    args = (f"&{params.name}", str(out.num_elements), *operand_pointers(ctx, op),
            ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_add_s8_dsp", args, (params,), DSP_HEADER)


def _fields(q: AddSubQuant) -> tuple[tuple[str, str], ...]:
    return (
        ("input1_offset", str(q.input1_offset)),
        ("input2_offset", str(q.input2_offset)),
        ("output_offset", str(q.output_offset)),
        ("left_shift", str(q.left_shift)),
        ("input1_quant", quant_field(q.input1_multiplier, q.input1_shift)),
        ("input2_quant", quant_field(q.input2_multiplier, q.input2_shift)),
        ("output_quant", quant_field(q.output_multiplier, q.output_shift)),
        ("activation", activation_field(q.activation_min, q.activation_max)),
    )


def _emit_reference(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return emit_binary(ctx, plan, "tb_add" if plan.op.name == "ADD" else "tb_sub", "tb_add_params_t", _fields)


# The DSP ADD's tables are not weights: an ADD kept in the int8 layout still runs it.
VARIANTS = (
    Variant("dsp", KernelSet.OPTIMIZED, _plan_dsp, _emit_dsp, applies=_dsp_applies),
    Variant("reference", KernelSet.REFERENCE, partial(plan_binary, quant=_quant), _emit_reference),
)
BINARY = Operands(2, 2, roles=("first input", "second input"))
_TYPES = "int8, float32 (broadcasting up to 6-D, fused NONE/RELU/RELU6/RELU_N1_TO_1, constant operands)"
HANDLERS = (
    OpHandler("ADD", check, VARIANTS, no_macs, _TYPES.replace("float32 (", "float32, int32 (int32 unquantized, fused NONE; "),
              BINARY, max_version=5),
    OpHandler("SUB", check, VARIANTS, no_macs, _TYPES, BINARY, max_version=5),
)
