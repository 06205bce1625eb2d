"""SPLIT, SPLIT_V and UNPACK: one input dealt out to several outputs along one axis.

As TFLM's kernels: the axis must be a constant (TFLM's Prepare refuses any other, it cannot size
outputs at run time), negative axes count from the end, and each output's share is read from
its static shape in the file. The kernel (split/split_x8.c) copies whole blocks by bytes.
"""
from __future__ import annotations

import math

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from . import checks
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, Operands, no_macs, supported_ops
from .shape_common import (
    c_list, expect_movable, expect_same_type, input_constant, normalized_axis, num_bytes, source_pointer,
)

HEADER = "split/tb_split.h"
MAX_OUTPUTS = 16  # TB_SPLIT_MAX_OUTPUTS
SPLIT_DTYPES = ("int8", "int16", "int32", "float32")  # TFLM's SPLIT, SPLIT_V and UNPACK
# Input slots, as TFLM's kernels read them.
SPLIT_AXIS, SPLIT_INPUT = 0, 1
SPLIT_V_INPUT, SPLIT_V_SIZES, SPLIT_V_AXIS = 0, 1, 2
UNPACK_INPUT = 0


def _data_slot(op: Operator) -> int:
    return SPLIT_INPUT if op.name == "SPLIT" else 0


def _constant_axis(model: Model, op: Operator, slot: int) -> int:
    tensor = checks.required(model, op, slot, "axis")
    if not tensor.is_constant:
        raise UnsupportedTensorError(
            tensor.name, tensor.dtype,
            f"{op.name} (operator #{op.index}) needs a constant axis: TFLM's Prepare refuses a computed one "
            "(\"Non-constant >axis< tensor is not supported\"); export with a fixed axis",
        )
    if tensor.dtype != "int32" or tensor.num_elements != 1:
        raise UnsupportedTensorError(
            tensor.name, tensor.dtype,
            f"{op.name} (operator #{op.index}) needs its axis to be one int32 value (TFLM reads it as int32); "
            f"it is {tensor.dtype} with {tensor.num_elements} values",
        )
    assert tensor.data is not None
    return int(tensor.data.reshape(-1)[0])


def _axis(model: Model, op: Operator, rank: int) -> int:
    if op.name == "UNPACK":
        value = int(op.options.get("axis", 0))
    else:
        value = _constant_axis(model, op, SPLIT_AXIS if op.name == "SPLIT" else SPLIT_V_AXIS)
    return normalized_axis(op, value, rank)


def _outputs(model: Model, op: Operator) -> list[Tensor]:
    return [model.tensors[i] for i in op.outputs]


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, _data_slot(op), "input")
    expect_movable(op, inp, "input", SPLIT_DTYPES)
    outs = _outputs(model, op)
    if len(outs) > MAX_OUTPUTS:
        raise UnsupportedOpError(op.name, op.index, supported_ops(),
                                 detail=f"{len(outs)} outputs (the built-in kernel deals out up to {MAX_OUTPUTS})")
    for out in outs:
        expect_same_type(op, inp, out)
    rank = len(inp.shape)
    if rank == 0:
        raise MalformedModelError(f"operator #{op.index} {op.name} has a scalar input; there is no axis to split")
    axis = _axis(model, op, rank)
    if op.name == "UNPACK":
        num = int(op.options.get("num", 0))
        if num != len(outs) or num != inp.shape[axis]:
            raise MalformedModelError(
                f"operator #{op.index} UNPACK declares num {num} with {len(outs)} outputs for input "
                f"{list(inp.shape)} on axis {axis} (TFLM writes num outputs; they must all exist)")
        expected = tuple(inp.shape[:axis]) + tuple(inp.shape[axis + 1:])
        for k, out in enumerate(outs):
            if tuple(out.shape) != expected:
                raise MalformedModelError(f"operator #{op.index} UNPACK output {k} is {list(out.shape)}, "
                                          f"expected {list(expected)}")
        return
    for k, out in enumerate(outs):
        if len(out.shape) != rank or any(out.shape[d] != inp.shape[d] for d in range(rank) if d != axis):
            raise MalformedModelError(f"operator #{op.index} {op.name} output {k} shape {list(out.shape)} does not "
                                      f"match the input {list(inp.shape)} outside axis {axis}")
    shares = [out.shape[axis] for out in outs]
    if sum(shares) != inp.shape[axis]:
        raise MalformedModelError(f"operator #{op.index} {op.name} outputs take {shares} along axis {axis}, "
                                  f"which do not add up to the input's {inp.shape[axis]}")
    if op.name == "SPLIT":
        num = int(op.options.get("num_splits", 0))
        if len(set(shares)) != 1 or num != len(outs):
            raise MalformedModelError(f"operator #{op.index} SPLIT needs num_splits ({num}) equal outputs; "
                                      f"it has {len(outs)} taking {shares}")
    else:
        _check_size_splits(model, op, shares)


def _check_size_splits(model: Model, op: Operator, shares: list[int]) -> None:
    """TFLM never reads size_splits (the output shapes say it); TFLite's reference kernel does, so a
    constant one must agree with the outputs (one -1 standing for the rest)."""
    sizes = checks.required(model, op, SPLIT_V_SIZES, "size_splits")
    if sizes.data is None:
        return
    values = [int(v) for v in sizes.data.reshape(-1)]
    if len(values) == len(shares) and values.count(-1) == 1:
        values[values.index(-1)] = shares[values.index(-1)]
    if values != shares:
        raise MalformedModelError(f"operator #{op.index} SPLIT_V size_splits {[int(v) for v in sizes.data.reshape(-1)]} "
                                  f"disagree with its outputs' shares {shares}")


def plan(ctx: PlanContext, op: Operator) -> Planned:
    index = op.inputs[_data_slot(op)]
    return Planned(constants=input_constant(ctx.model, index, f"tb_l{op.index}_input", f"Layer {op.index}: {op.name} input"))


def emit(ctx: EmitContext, plan_: LayerPlan) -> Layer:
    op = plan_.op
    inp = ctx.input(op, _data_slot(op))
    axis = _axis(ctx.model, op, len(inp.shape))
    outer = math.prod(inp.shape[:axis])
    outs = _outputs(ctx.model, op)
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_split_params_t", f"{prefix}_params", (
        ("outer", str(outer)),
        ("count", str(len(outs))),
        ("bytes", c_list([num_bytes(out) // outer if outer else 0 for out in outs])),
        ("outputs", "{" + ", ".join(ctx.arena_pointer(out.index, const=False) for out in outs) + "}"),
    ))
    args = (f"&{params.name}", source_pointer(ctx, inp.index, f"{prefix}_input"))
    return layer(plan_, "tb_split_x8", args, (params,), HEADER)


VARIANTS = single(emit, plan)
TYPES = "int8, int16, int32, float32; any axis (negative too), constant axis, up to 16 outputs"
HANDLERS = (
    OpHandler("SPLIT", check, VARIANTS, no_macs, TYPES,
              Operands(2, 2, outputs=None, roles=("axis", "input")), max_version=4),
    OpHandler("SPLIT_V", check, VARIANTS, no_macs, TYPES,
              Operands(3, 3, outputs=None, roles=("input", "size_splits", "axis")), max_version=2),
    OpHandler("UNPACK", check, VARIANTS, no_macs, "int8, int16, int32, float32; any axis (negative too), up to 16 outputs",
              Operands(1, 1, outputs=None), max_version=4),
)
