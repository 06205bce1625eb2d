"""ADD and SUB: int8 and int16 (TFLM's common-scale arithmetic, left shift 20 or 15), int32
(unquantized, wrapping; TFLM's ADD ignores the fused activation there, SUB applies it) and
float32, with broadcasting up to 6 dimensions, fused activations, and constant operands kept in
flash.

int16: TFLM's micro ADD and SUB always run the general int16 path (they pass pot_scale = false to
the reference kernel and never call its power-of-two variant), so the model's pot_scale_int16
option changes nothing and is accepted either way.

MACs: 0 (additions only).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from ..elementwise_quant import (
    AddSubQuant,
    QuantParamError,
    add_sub_quant,
    float_activation_range,
    int32_activation_range,
)
from ..model import Model, Operator
from ..options import KernelSet
from ..quantization import multiply_by_quantized_multiplier
from . import dsp_requant, slots
from .c_emit import CStruct, EmitContext, Layer, c_float, layer
from .add_sub_common import (
    QUANTIZED_TYPES,
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


BINARY_TYPES = ("int8", "int16", "int32", "float32")
_SUFFIX = {"int8": "s8", "int16": "s16", "int32": "s32", "float32": "f32"}


def check(model: Model, op: Operator) -> None:
    activation = check_fused_activation(op)
    in1, in2, out = check_binary(model, op, BINARY_TYPES)
    if out.dtype in QUANTIZED_TYPES:
        try:
            add_sub_quant(op.name, *scale_zp(in1), *scale_zp(in2), *scale_zp(out), activation, out.dtype)
        except QuantParamError as exc:
            raise quant_error(op, exc) from None


def float_activation_struct(prefix: str, activation: str) -> CStruct:
    low, high = float_activation_range(activation)
    return CStruct("tb_activation_f32_t", f"{prefix}_activation",
                   (("min", c_float(low)), ("max", c_float(high))), compact=True)


def int32_activation_struct(prefix: str, bounds: tuple[int, int]) -> CStruct:
    low, high = (_c_int32(v) for v in bounds)
    return CStruct("tb_activation_t", f"{prefix}_activation", (("min", low), ("max", high)), compact=True)


def _c_int32(value: int) -> str:
    return {-(2**31): "INT32_MIN", 2**31 - 1: "INT32_MAX"}.get(value, str(value))


def plan_binary(ctx: PlanContext, op: Operator, quant: Callable[[Model, Operator], Any]) -> Planned:
    """ADD, SUB and MUL: the int8/int16 quantization, the int32 clamp (int32_activation_range)
    or nothing (float32), and the constant operands."""
    dtype = ctx.output(op).dtype
    if dtype in QUANTIZED_TYPES:
        params = quant(ctx.model, op)
    elif dtype == "int32":
        params = int32_activation_range(op.name, str(op.options.get("fused_activation_function", "NONE")))
    else:
        params = None
    return Planned(params, operand_constants(ctx.model, op))


def emit_binary(ctx: EmitContext, plan: LayerPlan, function_stem: str, params_type: str,
                fields: Callable[[Any], tuple[tuple[str, str], ...]]) -> Layer:
    """The common part of ADD, SUB and MUL: parameters (int8, int16: `fields` of the planned
    quantization; int32 and float32: the activation range), shapes, operands and the call."""
    op, prefix = plan.op, plan.prefix
    in1, in2, out = ctx.input(op, slots.INPUT1), ctx.input(op, slots.INPUT2), ctx.output(op)
    pointer1, pointer2 = operand_pointers(ctx, op)
    if out.dtype == "float32":
        params = float_activation_struct(prefix, str(op.options.get("fused_activation_function", "NONE")))
    elif out.dtype == "int32":
        params = int32_activation_struct(prefix, plan.params)
    else:
        params = CStruct(params_type, f"{prefix}_params", fields(plan.params))
    function = f"{function_stem}_{_SUFFIX[out.dtype]}"
    shape = broadcast_struct(prefix, out, in1, in2)
    args = (f"&{params.name}", f"&{shape.name}", pointer1, pointer2, ctx.arena_pointer(out.index, const=False))
    return layer(plan, function, args, (params, shape), HEADER)


DSP_HEADER = "elementwise/tb_elementwise_dsp.h"


def _quant(model: Model, op: Operator) -> AddSubQuant:
    return add_sub_quant(op.name, *binary_scales(model, op), str(op.options.get("fused_activation_function", "NONE")),
                         slots.output_tensor(model, op).dtype)


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
_TYPES = ("int8, int16, int32, float32 (broadcasting up to 6-D, fused NONE/RELU/RELU6/RELU_N1_TO_1, "
          "constant operands)")
HANDLERS = (
    OpHandler("ADD", check, VARIANTS, no_macs, _TYPES, BINARY, max_version=5),
    OpHandler("SUB", check, VARIANTS, no_macs, _TYPES, BINARY, max_version=5),
)
