"""Helpers shared by the shape operators (PAD, CONCATENATION, RESHAPE, TRANSPOSE, STRIDED_SLICE,
SHAPE, PACK): constant operands read at generation time, constant inputs placed in flash,
shapes extended to the kernels' 5-D and the element widths of the byte-moving kernels."""
from __future__ import annotations

import math

import numpy as np

from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import DTYPE_BYTES, Model, Operator, Tensor
from . import checks, slots
from .c_emit import C_TYPES, EmitContext, comment_text, shape_text
from .layer_plan import Constant, PlanContext, Planned, float_constant, int_constant

KERNEL_DIMS = 5
# Types the data-movement kernels handle (by width); the C side only moves bits.
MOVABLE_DTYPES: tuple[str, ...] = ("int8", "uint8", "int16", "int32", "float32")
# The same and bool and int64, for the operators TFLM runs in them.
ANY_DTYPES: tuple[str, ...] = (*MOVABLE_DTYPES, "bool", "int64")
WIDTH_SUFFIX = {1: "x8", 2: "x16", 4: "x32", 8: "x64"}


def width_suffix(tensor: Tensor) -> str:
    return WIDTH_SUFFIX[DTYPE_BYTES[tensor.dtype]]


def extend(shape: tuple[int, ...], rank: int = KERNEL_DIMS) -> tuple[int, ...]:
    """Shape with leading 1s up to `rank` dimensions, as TFLM's RuntimeShape::ExtendedShape."""
    return (1,) * (rank - len(shape)) + tuple(shape)


def row_major_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides = []
    step = 1
    for dim in reversed(shape):
        strides.append(step)
        step *= dim
    return tuple(reversed(strides))


def c_list(values: tuple[int, ...] | list[int]) -> str:
    return "{" + ", ".join(str(int(v)) for v in values) + "}"


def constant_ints(model: Model, op: Operator, slot: int, role: str) -> np.ndarray:
    """A constant int32 (or int64) operand such as a shape, paddings or a permutation."""
    tensor = checks.required(model, op, slot, role)
    if not tensor.is_constant:
        raise UnsupportedTensorError(
            tensor.name, tensor.dtype,
            f"{op.name} (operator #{op.index}) needs a constant {role} (as TFLM does); "
            "export with static shapes so the converter folds it",
        )
    checks.expect_dtype(op, tensor, role, ("int32", "int64"))
    assert tensor.data is not None
    return np.asarray(tensor.data, dtype=np.int64).reshape(tensor.shape)


def expect_movable(op: Operator, tensor: Tensor, role: str, allowed: tuple[str, ...] = MOVABLE_DTYPES) -> None:
    checks.expect_dtype(op, tensor, role, allowed)


def expect_same_type(op: Operator, inp: Tensor, out: Tensor) -> None:
    if inp.dtype != out.dtype:
        raise UnsupportedTensorError(
            out.name, out.dtype, f"{op.name} (operator #{op.index}) needs its output typed like its input ({inp.dtype})"
        )


def expect_rank(op: Operator, tensor: Tensor, role: str, limit: int) -> None:
    if len(tensor.shape) > limit:
        raise UnsupportedTensorError(
            tensor.name, tensor.dtype,
            f"{op.name} (operator #{op.index}) supports up to {limit}-D tensors (as TFLM does); "
            f"the {role} is {len(tensor.shape)}-D",
        )


def normalized_axis(op: Operator, axis: int, rank: int) -> int:
    if not -rank <= axis < max(rank, 1):
        raise MalformedModelError(f"operator #{op.index} {op.name} has axis {axis} outside a {rank}-D tensor")
    return axis + rank if axis < 0 else axis


def input_constant(model: Model, index: int, name: str, what: str) -> tuple[Constant, ...]:
    """Tensor `index` as a flash array when it is constant (else it is read from the arena)."""
    tensor = model.tensors[index]
    if not tensor.is_constant:
        return ()
    assert tensor.data is not None
    values = np.asarray(tensor.data).reshape(-1)
    comment = comment_text(f"{what} '{tensor.name}' {shape_text(tensor)} (constant)")
    length = max(values.size, 1)
    if tensor.dtype == "float32":
        return (float_constant(name, values, comment, length),)
    return (int_constant(name, C_TYPES[tensor.dtype], values, comment, 16, 6, length),)


def plan_input(ctx: PlanContext, op: Operator) -> Planned:
    """A data-movement op reading input 0 (in flash when constant, as `{prefix}_input`)."""
    index = slots.input_index(op, slots.INPUT)
    return Planned(constants=input_constant(ctx.model, index, f"tb_l{op.index}_input",
                                            f"Layer {op.index}: {op.name} input"))


def plan_inputs(ctx: PlanContext, op: Operator) -> Planned:
    """A data-movement op reading every input (in flash when constant, as `{prefix}_input{slot}`)."""
    constants: tuple[Constant, ...] = ()
    for slot, index in enumerate(op.inputs):
        constants += input_constant(ctx.model, index, f"tb_l{op.index}_input{slot}",
                                    f"Layer {op.index}: {op.name} input {slot}")
    return Planned(constants=constants)


def source_pointer(ctx: EmitContext, index: int, name: str) -> str:
    """C expression for reading tensor `index`: its arena slot, or input_constant's array."""
    return name if ctx.tensor(index).is_constant else ctx.arena_pointer(index, const=True)


def num_bytes(tensor: Tensor) -> int:
    return math.prod(tensor.shape) * DTYPE_BYTES[tensor.dtype]
