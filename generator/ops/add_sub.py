"""ADD and SUB: int8 (TFLM's shift-by-20 common-scale arithmetic) and float32, with
broadcasting up to 6 dimensions, fused activations, and constant operands kept in flash.

MACs: 0 (additions only).
"""
from __future__ import annotations

from ..elementwise_quant import QuantParamError, add_sub_quant, float_activation_range
from ..model import Model, Operator
from ..quantization import multiply_by_quantized_multiplier
from . import dsp_requant, slots
from .c_emit import CArray, CStruct, EmitContext, Layer, c_float, rows
from .add_sub_common import (
    activation_field,
    broadcast_struct,
    check_binary,
    check_fused_activation,
    operand,
    quant_error,
    quant_field,
    scale_zp,
)
from .registry import OpHandler, Operands, no_macs

HEADER = "elementwise/tb_elementwise.h"


def check(model: Model, op: Operator) -> None:
    activation = check_fused_activation(op)
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


def emit_binary(ctx: EmitContext, op: Operator, function_stem: str, params: CStruct | None) -> Layer:
    """The common part of ADD, SUB and MUL: shapes, operands and the call."""
    in1, in2, out = ctx.input(op, slots.INPUT1), ctx.input(op, slots.INPUT2), ctx.output(op)
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: {op.name}"
    activation = op.options.get("fused_activation_function", "NONE")
    pointer1, arrays1 = operand(ctx, in1.index, prefix, "input1", where)
    pointer2, arrays2 = operand(ctx, in2.index, prefix, "input2", where)
    if out.dtype == "float32":
        params = float_activation_struct(prefix, activation)
        function = f"{function_stem}_f32"
    else:
        assert params is not None
        function = f"{function_stem}_s8"
    shape = broadcast_struct(prefix, out, in1, in2)
    args = (f"&{params.name}", f"&{shape.name}", pointer1, pointer2, ctx.arena_pointer(out.index, const=False))
    return Layer(op.index, op.name, op.index, function, args, (params, shape), arrays1 + arrays2, HEADER)


DSP_HEADER = "elementwise/tb_elementwise_dsp.h"


def emit_optimized(ctx: EmitContext, op: Operator) -> Layer | None:
    """tb_add_s8_dsp for an int8 ADD without broadcasting, or None (reference kernel).

    Each input's rescaling ((x + offset) << 20, then the input multiplier) is tabulated for all
    256 int8 values at generation time; the output requantization uses the folded DSP words.
    """
    in1, in2, out = ctx.input(op, slots.INPUT1), ctx.input(op, slots.INPUT2), ctx.output(op)
    if op.name != "ADD" or out.dtype != "int8" or not (tuple(in1.shape) == tuple(in2.shape) == tuple(out.shape)):
        return None
    activation = op.options.get("fused_activation_function", "NONE")
    q = add_sub_quant(op.name, *scale_zp(in1), *scale_zp(in2), *scale_zp(out), activation)
    words = dsp_requant.requant_words([q.output_multiplier], [q.output_shift], q.output_offset, [0], [0],
                                      [2**29])
    if words is None:
        return None
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: {op.name}"
    luts = []
    for role, offset, m, s in (("input1", q.input1_offset, q.input1_multiplier, q.input1_shift),
                               ("input2", q.input2_offset, q.input2_multiplier, q.input2_shift)):
        values = [multiply_by_quantized_multiplier((x + offset) * (1 << q.left_shift), m, s) for x in range(-128, 128)]
        luts.append(CArray(f"{prefix}_{role}_lut", "int32_t", 256, rows(values, 8, 11),
                           f"{where} {role} on the common scale, indexed by x + 128"))
    rq = CArray(f"{prefix}_requant", "int32_t", 6, rows(words[0], 6, 11),
                f"{where} output requantization words")
    clamp = q.activation_min > -128 or q.activation_max < 127
    params = CStruct("tb_add_dsp_params_t", f"{prefix}_params", (
        ("input1_lut", f"{prefix}_input1_lut"),
        ("input2_lut", f"{prefix}_input2_lut"),
        ("output_requant", f"{prefix}_requant"),
        ("activation", activation_field(q.activation_min, q.activation_max)),
        ("clamp", "1" if clamp else "0"),
    ))
    pointer1, arrays1 = operand(ctx, in1.index, prefix, "input1", where)
    pointer2, arrays2 = operand(ctx, in2.index, prefix, "input2", where)
    args = (f"&{params.name}", str(out.num_elements), pointer1, pointer2, ctx.arena_pointer(out.index, const=False))
    return Layer(op.index, op.name, op.index, "tb_add_s8_dsp", args, (params,),
                 (*luts, rq, *arrays1, *arrays2), DSP_HEADER)


def emit(ctx: EmitContext, op: Operator) -> Layer:
    if ctx.kernels == "optimized":
        layer = emit_optimized(ctx, op)
        if layer is not None:
            return layer
    in1, in2, out = ctx.input(op, slots.INPUT1), ctx.input(op, slots.INPUT2), ctx.output(op)
    params = None
    if out.dtype == "int8":
        activation = op.options.get("fused_activation_function", "NONE")
        q = add_sub_quant(op.name, *scale_zp(in1), *scale_zp(in2), *scale_zp(out), activation)
        params = CStruct("tb_add_params_t", f"tb_l{op.index}_params", (
            ("input1_offset", str(q.input1_offset)),
            ("input2_offset", str(q.input2_offset)),
            ("output_offset", str(q.output_offset)),
            ("left_shift", str(q.left_shift)),
            ("input1_quant", quant_field(q.input1_multiplier, q.input1_shift)),
            ("input2_quant", quant_field(q.input2_multiplier, q.input2_shift)),
            ("output_quant", quant_field(q.output_multiplier, q.output_shift)),
            ("activation", activation_field(q.activation_min, q.activation_max)),
        ))
    return emit_binary(ctx, op, "tb_add" if op.name == "ADD" else "tb_sub", params)


BINARY = Operands(2, 2, roles=("first input", "second input"))
_TYPES = "int8, float32 (broadcasting up to 6-D, fused NONE/RELU/RELU6/RELU_N1_TO_1, constant operands)"
HANDLERS = (
    OpHandler("ADD", check, emit, no_macs, _TYPES, BINARY, max_version=5),
    OpHandler("SUB", check, emit, no_macs, _TYPES, BINARY, max_version=5),
)
