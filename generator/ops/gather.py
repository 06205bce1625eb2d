"""GATHER, GATHER_ND and EMBEDDING_LOOKUP: slices picked by run-time int32
indices.

Facts from TFLM's gather.cc and embedding_lookup.cc: GATHER takes int8 or float32 values and
int32 positions, any axis (negative counts from the end) and batch_dims (negative counts from
the positions' rank, 0 <= batch_dims <= axis); the output is input[:axis] + positions[batch_dims:]
+ input[axis+1:]. EMBEDDING_LOOKUP takes 1-D int32 ids and a value tensor of rank >= 2 (rows
along dimension 0); int8 values may give a float32 output, each value times the values' scale
(zero point 0). GATHER_ND (gather_nd.cc): int8 or float32 params of rank >= 1, int32 indices
of rank >= 1 whose last dimension nd is at most the params' rank and 5; the output is
indices.shape[:-1] + params.shape[nd:]. An index outside the input fails the layer (TB_ERR_ARG): TFLM's GATHER reads
outside its input then, its EMBEDDING_LOOKUP fails too. Constant values and indices stay in flash.
"""
from __future__ import annotations

import math

from ..errors import MalformedModelError
from ..model import DTYPE_BYTES, Model, Operator, Tensor
from . import checks
from .c_emit import CStruct, c_float, EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs
from .shape_common import c_list, expect_movable, expect_same_type, plan_inputs, source_pointer

HEADER = "gather/tb_gather.h"
GATHER_DTYPES = ("int8", "float32")
# Input slots, as TFLM names them.
GATHER_INPUT, GATHER_POSITIONS = 0, 1
LOOKUP_IDS, LOOKUP_VALUE = 0, 1


def _slots(op: Operator) -> tuple[int, int]:
    """(values slot, indices slot)."""
    return (GATHER_INPUT, GATHER_POSITIONS) if op.name == "GATHER" else (LOOKUP_VALUE, LOOKUP_IDS)


def _geometry(op: Operator, inp: Tensor, idx: Tensor) -> tuple[int, int, int, int, int]:
    """(axis, batch_dims, batches, outer, coords) after TFLM's normalisation; raises what Prepare refuses."""
    if op.name == "EMBEDDING_LOOKUP":
        return 0, 0, 1, 1, idx.num_elements
    rank, idx_rank = len(inp.shape), len(idx.shape)
    axis = int(op.options.get("axis", 0))
    axis = axis + rank if axis < 0 else axis
    batch_dims = int(op.options.get("batch_dims", 0))
    batch_dims = batch_dims + idx_rank if batch_dims < 0 else batch_dims
    if not (0 <= axis < rank and 0 <= batch_dims <= axis and batch_dims < rank and batch_dims <= idx_rank) or any(
            inp.shape[i] != idx.shape[i] for i in range(batch_dims)):
        raise MalformedModelError(
            f"operator #{op.index} GATHER axis {op.options.get('axis', 0)} batch_dims {op.options.get('batch_dims', 0)} "
            f"do not fit input {list(inp.shape)} and positions {list(idx.shape)} (TFLM's Prepare refuses them)")
    batches = math.prod(inp.shape[:batch_dims])
    outer = math.prod(inp.shape[batch_dims:axis])
    coords = math.prod(idx.shape[batch_dims:])
    return axis, batch_dims, batches, outer, coords


GATHER_ND_MAX = 5  # TFLM's MAX_INDICES_ND


def _check_gather_nd(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, GATHER_INPUT, "params")
    idx = checks.required(model, op, GATHER_POSITIONS, "indices")
    out = checks.required(model, op, 0, "output")
    expect_movable(op, inp, "params", GATHER_DTYPES)
    checks.expect_dtype(op, idx, "indices", ("int32",))
    expect_same_type(op, inp, out)
    if len(inp.shape) < 1 or len(idx.shape) < 1:
        raise MalformedModelError(f"operator #{op.index} GATHER_ND needs params and indices of rank >= 1 (TFLM's Prepare)")
    nd = idx.shape[-1]
    if nd > len(inp.shape) or nd > GATHER_ND_MAX:
        raise MalformedModelError(f"operator #{op.index} GATHER_ND index tuples of {nd} values for {len(inp.shape)}-D "
                                  f"params (TFLM allows up to the params' rank and {GATHER_ND_MAX})")
    expected = (*idx.shape[:-1], *inp.shape[nd:])
    if tuple(out.shape) != tuple(expected):
        raise MalformedModelError(f"operator #{op.index} GATHER_ND of {list(inp.shape)} by indices {list(idx.shape)} "
                                  f"gives {list(expected)}, but the output is {list(out.shape)}")


def _emit_gather_nd(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, idx, out = ctx.input(op, GATHER_INPUT), ctx.input(op, GATHER_POSITIONS), ctx.output(op)
    width = DTYPE_BYTES[inp.dtype]
    nd = idx.shape[-1]
    strides = [math.prod(inp.shape[j + 1:]) * width for j in range(nd)]
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_gather_nd_params_t", f"{prefix}_params", (
        ("slices", str(math.prod(idx.shape[:-1]))),
        ("nd", str(nd)),
        ("slice_bytes", str(math.prod(inp.shape[nd:]) * width)),
        ("input_bytes", str(inp.num_elements * width)),
        ("stride_bytes", c_list(strides + [0] * (GATHER_ND_MAX - nd))),
    ))
    args = (f"&{params.name}", source_pointer(ctx, inp.index, f"{prefix}_input{GATHER_INPUT}"),
            source_pointer(ctx, idx.index, f"{prefix}_input{GATHER_POSITIONS}"), ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_gather_nd_x8", args, (params,), HEADER)


def _hybrid(model: Model, op: Operator) -> bool:
    if op.name != "EMBEDDING_LOOKUP":
        return False
    value, out = checks.required(model, op, LOOKUP_VALUE, "value"), checks.required(model, op, 0, "output")
    return value.dtype == "int8" and out.dtype == "float32"


def _emit_hybrid(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    value, ids, out = ctx.input(op, LOOKUP_VALUE), ctx.input(op, LOOKUP_IDS), ctx.output(op)
    assert value.quantization is not None
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_embedding_lookup_params_t", f"{prefix}_params", (
        ("ids", str(ids.num_elements)),
        ("rows", str(value.shape[0])),
        ("columns", str(math.prod(value.shape[1:]))),
        ("scale", c_float(value.quantization.scales[0])),
    ), compact=True)
    args = (f"&{params.name}", source_pointer(ctx, value.index, f"{prefix}_input{LOOKUP_VALUE}"),
            source_pointer(ctx, ids.index, f"{prefix}_input{LOOKUP_IDS}"), ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_embedding_lookup_s8_f32", args, (params,), HEADER)


def check(model: Model, op: Operator) -> None:
    if op.name == "GATHER_ND":
        _check_gather_nd(model, op)
        return
    value_slot, index_slot = _slots(op)
    inp = checks.required(model, op, value_slot, "input" if op.name == "GATHER" else "value")
    idx = checks.required(model, op, index_slot, "positions" if op.name == "GATHER" else "ids")
    out = checks.required(model, op, 0, "output")
    expect_movable(op, inp, "input", GATHER_DTYPES)
    checks.expect_dtype(op, idx, "indices", ("int32",))
    if _hybrid(model, op):  # TFLM's hybrid lookup: int8 values, float32 output, zero point 0
        checks.expect_per_tensor(op, inp, "value")
        checks.expect_zero_point(op, inp, "value", 0, "TFLM's int8 -> float32 EMBEDDING_LOOKUP")
    else:
        expect_same_type(op, inp, out)
    if op.name == "EMBEDDING_LOOKUP":
        if len(idx.shape) != 1 or len(inp.shape) < 2:
            raise MalformedModelError(f"operator #{op.index} EMBEDDING_LOOKUP needs 1-D ids and values of rank >= 2 "
                                      f"(TFLM's Prepare); got {list(idx.shape)} and {list(inp.shape)}")
        expected = (idx.shape[0], *inp.shape[1:])
    else:
        axis, batch_dims, *_ = _geometry(op, inp, idx)
        expected = (*inp.shape[:axis], *idx.shape[batch_dims:], *inp.shape[axis + 1:])
    if tuple(out.shape) != tuple(expected):
        raise MalformedModelError(f"operator #{op.index} {op.name} of {list(inp.shape)} by indices {list(idx.shape)} "
                                  f"gives {list(expected)}, but the output is {list(out.shape)}")


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    if op.name == "GATHER_ND":
        return _emit_gather_nd(ctx, plan)
    if _hybrid(ctx.model, op):
        return _emit_hybrid(ctx, plan)
    value_slot, index_slot = _slots(op)
    inp, idx, out = ctx.input(op, value_slot), ctx.input(op, index_slot), ctx.output(op)
    axis, _, batches, outer, coords = _geometry(op, inp, idx)
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_gather_params_t", f"{prefix}_params", (
        ("batches", str(batches)),
        ("outer", str(outer)),
        ("coords", str(coords)),
        ("axis_size", str(inp.shape[axis])),
        ("inner_bytes", str(math.prod(inp.shape[axis + 1:]) * DTYPE_BYTES[inp.dtype])),
    ), compact=True)
    args = (f"&{params.name}", source_pointer(ctx, inp.index, f"{prefix}_input{value_slot}"),
            source_pointer(ctx, idx.index, f"{prefix}_input{index_slot}"), ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_gather_x8", args, (params,), HEADER)


VARIANTS = single(emit, plan_inputs)
HANDLERS = (
    OpHandler("GATHER", check, VARIANTS, no_macs, "int8, float32; int32 positions, any axis and batch_dims (negative too)",
              Operands(2, 2, roles=("input", "positions")), max_version=6),
    OpHandler("GATHER_ND", check, VARIANTS, no_macs, "int8, float32; int32 index tuples of up to 5 values",
              Operands(2, 2, roles=("params", "indices")), max_version=5),
    OpHandler("EMBEDDING_LOOKUP", check, VARIANTS, no_macs, "int8, float32, int8->float32 (dequantized, zero point 0); 1-D int32 ids",
              Operands(2, 2, roles=("ids", "value")), max_version=5),
)
