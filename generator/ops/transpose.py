"""TRANSPOSE up to 5-D with a constant permutation: output dim i is input dim perm[i]."""
from __future__ import annotations

from ..errors import MalformedModelError
from ..model import Model, Operator
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs
from .shape_common import (
    KERNEL_DIMS, c_list, constant_ints, expect_movable, expect_rank, expect_same_type, extend,
    row_major_strides, plan_input, source_pointer, width_suffix,
)

HEADER = "transpose/tb_transpose.h"
TRANSPOSE_DTYPES = ("int8", "int16", "float32")  # TFLM's transpose.cc runs these only


def _perm(model: Model, op: Operator) -> tuple[int, ...]:
    return tuple(int(p) for p in constant_ints(model, op, slots.PERMUTATION, "permutation").reshape(-1))


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    expect_movable(op, inp, "input", TRANSPOSE_DTYPES)
    expect_same_type(op, inp, out)
    expect_rank(op, inp, "input", KERNEL_DIMS)
    perm = _perm(model, op)
    rank = len(inp.shape)
    if sorted(perm) != list(range(rank)):
        raise MalformedModelError(f"operator #{op.index} TRANSPOSE permutation {list(perm)} is not a permutation of {rank} axes")
    expected = tuple(inp.shape[p] for p in perm)
    if tuple(out.shape) != expected:
        raise MalformedModelError(
            f"operator #{op.index} TRANSPOSE of {list(inp.shape)} by {list(perm)} gives {list(expected)}, "
            f"but the output is {list(out.shape)}"
        )


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    perm = _perm(ctx.model, op)
    pad = KERNEL_DIMS - len(inp.shape)
    perm5 = tuple(range(pad)) + tuple(p + pad for p in perm)
    in5 = extend(inp.shape)
    strides = row_major_strides(in5)
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_transpose_params_t", f"{prefix}_params", (
        ("count", c_list([in5[p] for p in perm5])),
        ("step", c_list([strides[p] for p in perm5])),
        ("base", "0"),
    ))
    source = source_pointer(ctx, inp.index, f"{prefix}_input")
    args = (f"&{prefix}_params", source, ctx.arena_pointer(out.index, const=False))
    return layer(plan, f"tb_transpose_{width_suffix(inp)}", args, (params,), HEADER)


VARIANTS = single(emit, plan_input)
HANDLERS = (OpHandler("TRANSPOSE", check, VARIANTS, no_macs, "int8, int16, float32; up to 5-D, constant permutation",
                      Operands(2, 2, roles=("input", "permutation")), max_version=7),)
