"""Helpers shared by the elementwise, activation, softmax and reduce op modules.

No HANDLERS here: this module only holds checks and C-emission helpers.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from ..elementwise_quant import QuantParamError
from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, comment_text, layer, shape_text
from .layer_plan import Constant, LayerPlan, PlanContext, Planned, float_constant, int_constant
from .registry import supported_ops

BROADCAST_MAX_RANK = 6  # TB_BROADCAST_MAX_RANK in elementwise/tb_elementwise.h
REDUCE_MAX_RANK = 6  # TB_REDUCE_MAX_RANK in reduce/tb_reduce.h
FUSED_ACTIVATIONS: tuple[str, ...] = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


def unsupported(op: Operator, detail: str) -> UnsupportedOpError:
    return UnsupportedOpError(op.name, op.index, supported_ops(), detail=detail)


def quant_error(op: Operator, error: QuantParamError) -> UnsupportedOpError:
    return unsupported(op, f"quantization that TFLM rejects ({error})")


def check_fused_activation(op: Operator) -> str:
    activation = op.options.get("fused_activation_function", "NONE")
    if activation not in FUSED_ACTIVATIONS:
        raise unsupported(op, f"fused activation {activation} (supported: {', '.join(FUSED_ACTIVATIONS)})")
    return str(activation)


def check_unary(model: Model, op: Operator, dtypes: tuple[str, ...]) -> tuple[Tensor, Tensor]:
    """One non-constant input and one output of the same type and size; int8 per tensor."""
    if len(op.inputs) != 1 or len(op.outputs) != 1:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} needs 1 input and 1 output, has {len(op.inputs)} and {len(op.outputs)}"
        )
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", dtypes)
    checks.expect_dtype(op, out, "output", (inp.dtype,))
    checks.expect_not_constant(op, inp, "input")
    checks.expect_same_size(op, inp, out)
    if inp.dtype == "int8":
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
    return inp, out


def scale_zp(t: Tensor) -> tuple[float, int]:
    assert t.quantization is not None
    return t.quantization.scales[0], t.quantization.zero_points[0]


# ---------------------------------------------------------------- broadcasting


def binary_scales(model: Model, op: Operator) -> tuple[float, int, float, int, float, int]:
    """Scale and zero point of a binary op's two inputs and its output."""
    in1, in2 = slots.required_input(model, op, slots.INPUT1), slots.required_input(model, op, slots.INPUT2)
    return (*scale_zp(in1), *scale_zp(in2), *scale_zp(slots.output_tensor(model, op)))


def broadcast_layout(
    out_shape: Sequence[int], shape1: Sequence[int], shape2: Sequence[int]
) -> tuple[list[int], list[int], list[int]]:
    """Output dims and both inputs' element strides, left-padded to BROADCAST_MAX_RANK.

    Raises ValueError when the shapes do not broadcast to out_shape or need more dimensions.
    Without any broadcasting the whole tensor becomes one dimension.
    """
    rank = max(len(out_shape), len(shape1), len(shape2))
    if rank > BROADCAST_MAX_RANK:
        raise ValueError(f"rank {rank} exceeds the kernels' {BROADCAST_MAX_RANK} dimensions")
    out = [1] * (rank - len(out_shape)) + list(out_shape)
    in1 = [1] * (rank - len(shape1)) + list(shape1)
    in2 = [1] * (rank - len(shape2)) + list(shape2)
    for d in range(rank):
        expected = max(in1[d], in2[d])
        if in1[d] not in (1, expected) or in2[d] not in (1, expected) or out[d] != expected:
            raise ValueError(
                f"shapes {list(shape1)} and {list(shape2)} do not broadcast to {list(out_shape)}"
            )
    if any(d <= 0 for d in out):
        raise ValueError(f"output shape {list(out_shape)} has an empty dimension")
    if in1 == out and in2 == out:
        n = math.prod(out)
        return [1] * (BROADCAST_MAX_RANK - 1) + [n], [0] * (BROADCAST_MAX_RANK - 1) + [1], \
            [0] * (BROADCAST_MAX_RANK - 1) + [1]

    def strides(shape: list[int]) -> list[int]:
        result = [0] * rank
        step = 1
        for d in range(rank - 1, -1, -1):
            result[d] = step if shape[d] != 1 else 0
            step *= shape[d]
        return result

    pad = BROADCAST_MAX_RANK - rank
    return [1] * pad + out, [0] * pad + strides(in1), [0] * pad + strides(in2)


def c_int_list(values: Sequence[int]) -> str:
    return "{" + ", ".join(str(int(v)) for v in values) + "}"


def check_binary(model: Model, op: Operator, dtypes: tuple[str, ...]) -> tuple[Tensor, Tensor, Tensor]:
    """Two inputs (either may be constant) and one output of one type; shapes broadcast."""
    if len(op.inputs) != 2 or len(op.outputs) != 1:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} needs 2 inputs and 1 output, has {len(op.inputs)} and {len(op.outputs)}"
        )
    in1 = checks.required(model, op, slots.INPUT1, "first input")
    in2 = checks.required(model, op, slots.INPUT2, "second input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, out, "output", dtypes)
    checks.expect_dtype(op, in1, "first input", (out.dtype,))
    checks.expect_dtype(op, in2, "second input", (out.dtype,))
    if out.dtype == "int8":
        for t, role in ((in1, "first input"), (in2, "second input"), (out, "output")):
            checks.expect_per_tensor(op, t, role)
    try:
        broadcast_layout(out.shape, in1.shape, in2.shape)
    except ValueError as exc:
        raise unsupported(op, f"input shapes {list(in1.shape)} and {list(in2.shape)} ({exc})") from None
    return in1, in2, out


def broadcast_struct(prefix: str, out: Tensor, in1: Tensor, in2: Tensor) -> CStruct:
    dims, strides1, strides2 = broadcast_layout(out.shape, in1.shape, in2.shape)
    return CStruct("tb_broadcast_t", f"{prefix}_shape", (
        ("dims", c_int_list(dims)),
        ("input1_strides", c_int_list(strides1)),
        ("input2_strides", c_int_list(strides2)),
    ))


BINARY_OPERANDS = ((slots.INPUT1, "input1"), (slots.INPUT2, "input2"))


def operand_constants(model: Model, op: Operator) -> tuple[Constant, ...]:
    """Flash arrays of a binary op's constant inputs (the others are read from the arena)."""
    found = []
    for slot, role in BINARY_OPERANDS:
        tensor = slots.required_input(model, op, slot)
        if not tensor.is_constant:
            continue
        assert tensor.data is not None
        where = f"Layer {op.index}: {op.name}"
        name = f"tb_l{op.index}_{role}"
        comment = comment_text(f"{where} constant {role} '{tensor.name}' {shape_text(tensor)}")
        length = max(tensor.data.size, 1)
        if tensor.dtype == "float32":
            found.append(float_constant(name, tensor.data, comment, length))
        elif tensor.dtype == "int8":
            found.append(int_constant(name, "int8_t", tensor.data, comment, 16, 4, length))
        elif tensor.dtype == "int32":
            found.append(int_constant(name, "int32_t", tensor.data, comment, 8, 11, length))
        else:
            raise UnsupportedTensorError(tensor.name, tensor.dtype, f"{where}: constant operands must be int8, int32 or float32")
    return tuple(found)


def operand_pointers(ctx: EmitContext, op: Operator) -> tuple[str, str]:
    """The two inputs of a binary op: the arena, or operand_constants' arrays."""
    pointers = []
    for slot, role in BINARY_OPERANDS:
        tensor = ctx.input(op, slot)
        pointers.append(f"tb_l{op.index}_{role}" if tensor.is_constant else ctx.arena_pointer(tensor.index, const=True))
    return pointers[0], pointers[1]


def quant_field(multiplier: int, shift: int) -> str:
    return f"{{.multiplier = {multiplier}, .shift = {shift}}}"


def activation_field(minimum: int, maximum: int) -> str:
    return f"{{.min = {minimum}, .max = {maximum}}}"


def check_quant(op: Operator, derive: Callable[[], object]) -> None:
    """Run a derivation from elementwise_quant; turn its QuantParamError into an op error."""
    try:
        derive()
    except QuantParamError as exc:
        raise quant_error(op, exc) from None


def unary_plan(derive: Callable[[Operator, Tensor, Tensor], Any]) -> Callable[[PlanContext, Operator], Planned]:
    """The plan of a one-input op: `derive(op, input, output)` (its int8 quantization) for an int8
    input, nothing for float32."""
    def plan(ctx: PlanContext, op: Operator) -> Planned:
        inp, out = ctx.input(op), ctx.output(op)
        return Planned(derive(op, inp, out) if inp.dtype == "int8" else None)

    return plan


def unary_layer(ctx: EmitContext, plan: LayerPlan, function: str, params: CStruct | None, header: str) -> Layer:
    """A call (params, size, input, output) or, without params, (size, input, output)."""
    inp, out = ctx.input(plan.op), ctx.output(plan.op)
    args = (str(out.num_elements), ctx.arena_pointer(inp.index, const=True),
            ctx.arena_pointer(out.index, const=False))
    if params is None:
        return layer(plan, function, args, (), header)
    return layer(plan, function, (f"&{params.name}", *args), (params,), header)
