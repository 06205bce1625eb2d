"""Helpers of the typed elementwise op modules (comparisons, logical, MINIMUM/MAXIMUM, float
math, CAST): checks, constant operands of any element type, and the kernel calls.

No HANDLERS here. The kernels are instantiated from firmware/kernels/common/tb_broadcast_ops.h:
a binary kernel is fn([params,] shape, input1, input2, output), a unary one
fn([params,] size, input, output).
"""
from __future__ import annotations

from ..errors import MalformedModelError
from ..model import Model, Operator, Tensor
from . import checks, slots
from .add_sub_common import broadcast_layout, broadcast_struct, unsupported
from .c_emit import C_TYPES, CStruct, EmitContext, Layer, comment_text, layer, shape_text
from .layer_plan import Constant, LayerPlan, float_constant, int_constant

# Kernel-name suffix of each element type.
SUFFIXES = {"float32": "f32", "int8": "s8", "int16": "s16", "int32": "s32", "int64": "s64", "bool": "bool",
            "uint32": "u32"}
# Digits an integer constant of the type needs (with its sign), for the C rows.
_WIDTHS = {"bool": 1, "int8": 4, "int16": 6, "int32": 11, "uint32": 10, "int64": 20}


def kernel_name(op: Operator, dtype: str) -> str:
    return f"tb_{op.name.lower()}_{SUFFIXES[dtype]}"


def check_operand_counts(op: Operator, inputs: int) -> None:
    if len(op.inputs) != inputs or len(op.outputs) != 1:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} needs {inputs} input(s) and 1 output, "
            f"has {len(op.inputs)} and {len(op.outputs)}"
        )


def check_binary_typed(model: Model, op: Operator, dtypes: tuple[str, ...], output_dtype: str | None,
                       max_rank: int) -> tuple[Tensor, Tensor, Tensor]:
    """Two inputs of one type among `dtypes` (either may be constant), the output of
    `output_dtype` (None: the inputs' type); shapes that broadcast within `max_rank` dimensions
    when they differ (TFLM's broadcasting kernels' limit; equal shapes run at any rank up to 6).
    int8 operands quantized per tensor."""
    check_operand_counts(op, 2)
    in1 = checks.required(model, op, slots.INPUT1, "first input")
    in2 = checks.required(model, op, slots.INPUT2, "second input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, in1, "first input", dtypes)
    checks.expect_dtype(op, in2, "second input", (in1.dtype,))
    checks.expect_dtype(op, out, "output", (output_dtype or in1.dtype,))
    if in1.dtype == "int8":
        for t, role in ((in1, "first input"), (in2, "second input")):
            checks.expect_per_tensor(op, t, role)
    try:
        broadcast_layout(out.shape, in1.shape, in2.shape)
    except ValueError as exc:
        raise unsupported(op, f"input shapes {list(in1.shape)} and {list(in2.shape)} ({exc})") from None
    same = tuple(in1.shape) == tuple(in2.shape) == tuple(out.shape)
    if not same and max(len(in1.shape), len(in2.shape), len(out.shape)) > max_rank:
        raise unsupported(op, f"broadcasting over more than {max_rank} dimensions (TFLM's kernel "
                              f"broadcasts up to {max_rank}-D); reshape the operands to {max_rank} dimensions")
    return in1, in2, out


def check_unary_typed(model: Model, op: Operator, dtypes: tuple[str, ...],
                      output_dtypes: tuple[str, ...] | None = None) -> tuple[Tensor, Tensor]:
    """One non-constant input of a type among `dtypes`, one output of as many elements, of a
    type among `output_dtypes` (None: the input's type)."""
    check_operand_counts(op, 1)
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", dtypes)
    checks.expect_dtype(op, out, "output", output_dtypes or (inp.dtype,))
    checks.expect_not_constant(op, inp, "input")
    checks.expect_same_size(op, inp, out)
    return inp, out


def constant_array(op: Operator, tensor: Tensor, role: str) -> Constant:
    """A constant operand of any supported element type, as a flash array tb_l<op>_<role>."""
    assert tensor.data is not None
    name = f"tb_l{op.index}_{role}"
    comment = comment_text(f"Layer {op.index}: {op.name} constant {role} '{tensor.name}' {shape_text(tensor)}")
    length = max(tensor.data.size, 1)
    if tensor.dtype == "float32":
        return float_constant(name, tensor.data, comment, length)
    width = _WIDTHS[tensor.dtype]
    # bool arrays are stored as uint8_t (the same bytes, 0 or 1): the data files include no stdbool.h.
    ctype = "uint8_t" if tensor.dtype == "bool" else C_TYPES[tensor.dtype]
    return int_constant(name, ctype, tensor.data.astype("int64"), comment, max(4, 64 // (width + 2)),
                        width, length)


def operand_constants(model: Model, op: Operator, slot_roles: tuple[tuple[int, str], ...]) -> tuple[Constant, ...]:
    found = []
    for slot, role in slot_roles:
        tensor = slots.required_input(model, op, slot)
        if tensor.is_constant:
            found.append(constant_array(op, tensor, role))
    return tuple(found)


def operand_pointer(ctx: EmitContext, op: Operator, slot: int, role: str) -> str:
    tensor = ctx.input(op, slot)
    if tensor.is_constant:
        return f"(const bool *)tb_l{op.index}_{role}" if tensor.dtype == "bool" else f"tb_l{op.index}_{role}"
    return ctx.arena_pointer(tensor.index, const=True)


BINARY_ROLES = ((slots.INPUT1, "input1"), (slots.INPUT2, "input2"))


def emit_broadcast(ctx: EmitContext, plan: LayerPlan, function: str, header: str,
                   params: CStruct | None = None) -> Layer:
    """fn([&params,] &shape, input1, input2, output)."""
    op, prefix = plan.op, plan.prefix
    in1, in2, out = ctx.input(op, slots.INPUT1), ctx.input(op, slots.INPUT2), ctx.output(op)
    shape = broadcast_struct(prefix, out, in1, in2)
    pointers = tuple(operand_pointer(ctx, op, slot, role) for slot, role in BINARY_ROLES)
    args = (f"&{shape.name}", *pointers, ctx.arena_pointer(out.index, const=False))
    structs: tuple[CStruct, ...] = (shape,)
    if params is not None:
        args = (f"&{params.name}", *args)
        structs = (params, shape)
    return layer(plan, function, args, structs, header)


def emit_unary(ctx: EmitContext, plan: LayerPlan, function: str, header: str,
               params: CStruct | None = None) -> Layer:
    """fn([&params,] size, input, output)."""
    inp, out = ctx.input(plan.op), ctx.output(plan.op)
    args = (str(out.num_elements), ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    if params is None:
        return layer(plan, function, args, (), header)
    return layer(plan, function, (f"&{params.name}", *args), (params,), header)
