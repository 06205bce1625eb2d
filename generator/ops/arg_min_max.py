"""ARG_MAX and ARG_MIN (float32 and int8 input, int32 indices) over one constant axis, as TFLM's
reference ArgMinMax: for each position the index of the first greatest (least) value along the
axis, a later value replacing it only when strictly greater (less). TFLM runs int32 axes and
int32 outputs only, so an int64 output (TensorFlow's default output_type) is refused.

MACs: 0 (comparisons only).
"""
from __future__ import annotations

import math

from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs

HEADER = "reduce/tb_reduce.h"
_SUFFIX = {"int8": "s8", "float32": "f32"}


def resolve_axis(model: Model, op: Operator, inp: Tensor) -> int:
    """The constant axis, made non-negative (TFLM reads its first value)."""
    axis = checks.required(model, op, slots.AXIS, "axis")
    if axis.dtype != "int32" or not axis.is_constant or axis.num_elements != 1:
        raise UnsupportedTensorError(
            axis.name, axis.dtype,
            f"{op.name} (operator #{op.index}) needs a constant int32 axis of one value (TFLM reads int32 "
            "axes only); make the axis a constant int32 tensor",
        )
    assert axis.data is not None
    rank = len(inp.shape)
    value = int(axis.data.reshape(-1)[0])
    resolved = value + rank if value < 0 else value
    if not 0 <= resolved < rank:
        raise MalformedModelError(f"operator #{op.index} {op.name}: axis {value} is outside a rank-{rank} input")
    return resolved


def arg_sizes(shape: tuple[int, ...], axis: int) -> tuple[int, int, int]:
    """(outer, axis size, inner): the input as [outer, axis, inner], row-major."""
    return math.prod(shape[:axis]), shape[axis], math.prod(shape[axis + 1:])


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", ("float32", "int8"))
    if out.dtype != "int32":
        raise UnsupportedTensorError(
            out.name, out.dtype,
            f"{op.name} (operator #{op.index}) output is {out.dtype}; TFLM's kernel writes int32 indices only; "
            "re-export with output_type int32 (e.g. tf.math.argmax(x, axis, output_type=tf.int32))",
        )
    checks.expect_not_constant(op, inp, "input")
    if not inp.shape or any(d < 1 for d in inp.shape):
        raise UnsupportedTensorError(
            inp.name, inp.dtype,
            f"{op.name} (operator #{op.index}) input shape {list(inp.shape)}: needs rank >= 1 and no empty "
            "dimensions; reshape the input",
        )
    axis = resolve_axis(model, op, inp)
    outer, _, inner = arg_sizes(inp.shape, axis)
    if out.num_elements != outer * inner:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} over axis {axis} of {list(inp.shape)} gives {outer * inner} "
            f"indices, but the output {list(out.shape)} holds {out.num_elements}"
        )


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    outer, axis_size, inner = arg_sizes(inp.shape, resolve_axis(ctx.model, op, inp))
    params = CStruct("tb_arg_params_t", f"tb_l{op.index}_params", (
        ("outer", str(outer)), ("axis_size", str(axis_size)), ("inner", str(inner)),
    ), compact=True)
    function = f"tb_{op.name.lower()}_{_SUFFIX[inp.dtype]}"
    args = (f"&{params.name}", ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    return Layer(op.index, op.name, op.index, function, args, (params,), header=HEADER)


_TYPES = "float32, int8 (int32 indices; constant axis)"
_OPERANDS = Operands(2, 2, roles=("input", "axis"))
HANDLERS = (
    OpHandler("ARG_MAX", check, single(emit), no_macs, _TYPES, _OPERANDS, max_version=2),
    OpHandler("ARG_MIN", check, single(emit), no_macs, _TYPES, _OPERANDS, max_version=2),
)
