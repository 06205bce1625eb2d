"""RESHAPE, SQUEEZE and EXPAND_DIMS: the bytes stay, only the shape changes.

The planner may let the output share the input's buffer (planner.ALIASING_OPS); the kernel
then has nothing to copy. RESHAPE's optional shape operand is not read: the output shape in
the file is static, and a shape computed at run time (SHAPE -> STRIDED_SLICE -> PACK, as Keras
exports emit) can only restate it. TFLite's reference kernels do read it (and new_shape, axis,
squeeze_dims), so what they would refuse is refused here too.
"""
from __future__ import annotations

import math

from ..errors import MalformedModelError
from ..model import Model, Operator, Tensor
from . import checks, slots, static_values
from .c_emit import EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs, unary
from .shape_common import ANY_DTYPES, expect_movable, expect_same_type, num_bytes, plan_input, source_pointer

HEADER = "reshape/tb_reshape.h"
EXPAND_DIMS_DTYPES = ("int8", "int16", "float32")  # TFLM's expand_dims.cc runs these only


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    expect_movable(op, inp, "input", EXPAND_DIMS_DTYPES if op.name == "EXPAND_DIMS" else ANY_DTYPES)
    expect_same_type(op, inp, out)
    if num_bytes(inp) != num_bytes(out):
        raise MalformedModelError(
            f"operator #{op.index} {op.name} maps shape {list(inp.shape)} to {list(out.shape)}: "
            "the element counts differ"
        )
    if op.name == "RESHAPE":
        _check_target_shape(model, op, inp)
    elif op.name == "EXPAND_DIMS":
        _check_expand_axis(model, op, inp)
    else:
        _check_squeeze_dims(op, inp)


def _target_shape(model: Model, op: Operator) -> list[int] | None:
    """The shape TFLite's RESHAPE resizes its output to: a 1-D int32 shape input if there is one
    (None when it is computed at run time), else the new_shape option (absent: a scalar)."""
    shape = slots.input_tensor(model, op, slots.NEW_SHAPE)
    if shape is not None and shape.dtype == "int32" and len(shape.shape) == 1:
        value = static_values.known_value(model, shape.index)
        return None if value is None else [int(v) for v in value.reshape(-1)]
    return [int(v) for v in (op.options.get("new_shape") or ())]


def _check_target_shape(model: Model, op: Operator, inp: Tensor) -> None:
    target = _target_shape(model, op)
    if target is None:
        return
    known = math.prod(d for d in target if d != -1)
    stretch = target.count(-1)
    fits = (stretch == 0 and known == inp.num_elements) or (
        stretch == 1 and known > 0 and inp.num_elements % known == 0)
    if any(d < -1 for d in target) or stretch > 1 or not fits:
        raise MalformedModelError(
            f"operator #{op.index} RESHAPE asks for shape {target} (its shape input, or new_shape option) "
            f"for an input of {inp.num_elements} values; TFLite's reference RESHAPE refuses that"
        )


def _check_expand_axis(model: Model, op: Operator, inp: Tensor) -> None:
    axis = checks.required(model, op, slots.AXIS, "axis")
    if axis.data is None or axis.num_elements != 1 or axis.dtype not in ("int32", "int64"):
        return  # TFLM reads the static output shape; a computed axis is TFLite's dynamic case
    value = int(axis.data.reshape(-1)[0])
    rank = len(inp.shape)
    if not -rank - 1 <= value <= rank:
        raise MalformedModelError(
            f"operator #{op.index} EXPAND_DIMS axis {value} is outside -{rank + 1}..{rank} for a {rank}-D input"
        )


def _check_squeeze_dims(op: Operator, inp: Tensor) -> None:
    rank = len(inp.shape)
    for dim in op.options.get("squeeze_dims") or ():
        axis = int(dim) + rank if int(dim) < 0 else int(dim)
        if not 0 <= axis < rank or inp.shape[axis] != 1:
            raise MalformedModelError(
                f"operator #{op.index} SQUEEZE dimension {int(dim)} of input shape {list(inp.shape)} "
                "is not a dimension of size 1"
            )


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    prefix = f"tb_l{op.index}"
    source = source_pointer(ctx, inp.index, f"{prefix}_input")
    args = (source, ctx.arena_pointer(out.index, const=False), str(num_bytes(out)))
    return layer(plan, "tb_reshape_x8", args, (), HEADER)


TYPES = "int8, uint8, int16, int32, float32, bool, int64 (output may alias the input: no copy)"
VARIANTS = single(emit, plan_input)
HANDLERS = (
    OpHandler("RESHAPE", check, VARIANTS, no_macs, TYPES,
              Operands(1, 2, roles=("input", "shape"),
                       absent_note="TFLite's reference RESHAPE crashes (segfault) on a -1 shape input"),
              max_version=1),
    OpHandler("SQUEEZE", check, VARIANTS, no_macs, TYPES, unary(), max_version=1),
    OpHandler("EXPAND_DIMS", check, VARIANTS, no_macs, "int8, int16, float32 (output may alias the input: no copy)", Operands(2, 2, roles=("input", "axis")), max_version=1),
)
