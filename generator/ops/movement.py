"""SLICE, REVERSE_V2, DEPTH_TO_SPACE and SPACE_TO_DEPTH: each folded at generation time into the
5-D strided copy STRIDED_SLICE and TRANSPOSE run (common/tb_strided_copy.h): per output axis a
count and an input step (negative to reverse), and the first input element.

Facts from TFLM's kernels (slice.cc, reverse.cc, depth_to_space.cc, space_to_depth.cc):
- SLICE: up to 5-D; begin and size int32 or int64 (TFLM reads them at Eval: here they must be
  constant, as the static output shape already fixes them); a size of -1 takes the rest.
- REVERSE_V2: int32 axes, negative counting from the end, sorted and contiguous (TFLM refuses
  others: "Non-contiguous `axes` not supported").
- DEPTH_TO_SPACE / SPACE_TO_DEPTH: 4-D NHWC, int8 or float32, block_size > 0.
"""
from __future__ import annotations

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from . import checks, slots
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs, supported_ops, unary
from .shape_common import (
    KERNEL_DIMS, c_list, constant_ints, expect_movable, expect_rank, expect_same_type, extend,
    plan_input, row_major_strides, source_pointer, width_suffix,
)

HEADER = "strided_slice/tb_strided_slice.h"
SLICE_DTYPES = ("int8", "int16", "int32", "float32", "bool")
REVERSE_DTYPES = ("int8", "uint8", "int16", "int32", "float32", "bool", "int64")
SPACE_DTYPES = ("int8", "float32")
# Input slots.
SLICE_BEGIN, SLICE_SIZE = 1, 2
REVERSE_AXES = 1

Fold = tuple[list[int], list[int], int]  # counts, steps (input elements), base


def _slice_bounds(model: Model, op: Operator, inp: Tensor) -> tuple[list[int], list[int]]:
    begin = [int(v) for v in constant_ints(model, op, SLICE_BEGIN, "begin").reshape(-1)]
    size = [int(v) for v in constant_ints(model, op, SLICE_SIZE, "size").reshape(-1)]
    rank = len(inp.shape)
    if len(begin) != rank or len(size) != rank:
        raise MalformedModelError(f"operator #{op.index} SLICE has {len(begin)} begin and {len(size)} size values "
                                  f"for a {rank}-D input (it needs one each per dimension)")
    stops = [dim if s == -1 else b + s for b, s, dim in zip(begin, size, inp.shape)]
    for axis, (b, e, dim) in enumerate(zip(begin, stops, inp.shape)):
        if not 0 <= b <= e <= dim:
            raise MalformedModelError(f"operator #{op.index} SLICE begin {begin} size {size} leaves input "
                                      f"{list(inp.shape)} on axis {axis}")
    return begin, [e - b for b, e in zip(begin, stops)]


def _slice_fold(model: Model, op: Operator, inp: Tensor) -> Fold:
    begin, counts = _slice_bounds(model, op, inp)
    strides = row_major_strides(extend(inp.shape))
    pad = KERNEL_DIMS - len(inp.shape)
    base = sum(b * s for b, s in zip([0] * pad + begin, strides))
    return list(extend(tuple(counts))), list(strides), base


def _reverse_axes(model: Model, op: Operator, inp: Tensor) -> list[int]:
    tensor = checks.required(model, op, REVERSE_AXES, "axis")
    checks.expect_dtype(op, tensor, "axis", ("int32",))
    values = [int(v) for v in constant_ints(model, op, REVERSE_AXES, "axis").reshape(-1)]
    rank = len(inp.shape)
    if len(tensor.shape) != 1 or len(values) > rank:
        raise MalformedModelError(f"operator #{op.index} REVERSE_V2 needs a 1-D axis of at most {rank} values")
    axes = sorted(a + rank if a < 0 else a for a in values)
    if any(not 0 <= a < rank for a in axes):
        raise MalformedModelError(f"operator #{op.index} REVERSE_V2 axis {values} is outside a {rank}-D input")
    if any(b != a + 1 for a, b in zip(axes, axes[1:])):
        raise UnsupportedOpError(op.name, op.index, supported_ops(),
                                 detail=f"axes {values} are not contiguous (TFLM refuses them: "
                                        "\"Non-contiguous `axes` not supported\"); reverse one run of adjacent axes per operator")
    return axes


def _reverse_fold(model: Model, op: Operator, inp: Tensor) -> Fold:
    pad = KERNEL_DIMS - len(inp.shape)
    reversed_axes = {a + pad for a in _reverse_axes(model, op, inp)}
    counts = list(extend(inp.shape))
    strides = row_major_strides(tuple(counts))
    steps = [-s if a in reversed_axes else s for a, s in enumerate(strides)]
    base = sum((counts[a] - 1) * strides[a] for a in reversed_axes if counts[a] > 0)
    return counts, steps, base


def _block(op: Operator) -> int:
    return int(op.options.get("block_size", 0))


def _space_fold(op: Operator, inp: Tensor) -> Fold:
    n, h, w, d = inp.shape
    bs = _block(op)
    if op.name == "DEPTH_TO_SPACE":  # output (n*h, bh, w, bw, od) reads input (n, h, w, (bh*bs+bw)*od + c)
        od = d // (bs * bs)
        return [n * h, bs, w, bs, od], [w * d, bs * od, d, od, 1], 0
    # SPACE_TO_DEPTH: output (n*oh, ow, bh, bw, d) reads input (n, oh*bs+bh, ow*bs+bw, d)
    return [n * (h // bs), w // bs, bs, bs, d], [bs * w * d, bs * d, w * d, d, 1], 0


def _fold(model: Model, op: Operator, inp: Tensor) -> Fold:
    if op.name == "SLICE":
        return _slice_fold(model, op, inp)
    if op.name == "REVERSE_V2":
        return _reverse_fold(model, op, inp)
    return _space_fold(op, inp)


def _check_space(op: Operator, inp: Tensor, out: Tensor) -> None:
    if len(inp.shape) != 4:
        raise UnsupportedTensorError(inp.name, inp.dtype, f"{op.name} (operator #{op.index}) needs a 4-D NHWC input "
                                     "(TFLM's Prepare requires it)")
    bs = _block(op)
    if bs <= 0:
        raise MalformedModelError(f"operator #{op.index} {op.name} has block_size {bs}; TFLM needs it positive")
    n, h, w, d = inp.shape
    if op.name == "DEPTH_TO_SPACE":
        expected = (n, h * bs, w * bs, d // (bs * bs))
        fits = d % (bs * bs) == 0
    else:
        expected = (n, h // bs, w // bs, d * bs * bs)
        fits = h % bs == 0 and w % bs == 0
    if not fits or tuple(out.shape) != expected:
        raise MalformedModelError(f"operator #{op.index} {op.name} with block_size {bs} cannot map input "
                                  f"{list(inp.shape)} to output {list(out.shape)} (TFLM's Prepare refuses it)")


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    allowed = {"SLICE": SLICE_DTYPES, "REVERSE_V2": REVERSE_DTYPES}.get(op.name, SPACE_DTYPES)
    expect_movable(op, inp, "input", allowed)
    expect_same_type(op, inp, out)
    expect_rank(op, inp, "input", KERNEL_DIMS)
    if op.name in ("DEPTH_TO_SPACE", "SPACE_TO_DEPTH"):
        _check_space(op, inp, out)
        return
    counts, _, _ = _fold(model, op, inp)
    kept = tuple(counts[KERNEL_DIMS - len(inp.shape):])
    if kept != tuple(out.shape):
        raise MalformedModelError(f"operator #{op.index} {op.name} of {list(inp.shape)} gives {list(kept)}, "
                                  f"but the output is {list(out.shape)}")


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    counts, steps, base = _fold(ctx.model, op, inp)
    prefix = f"tb_l{op.index}"
    params = CStruct("tb_strided_slice_params_t", f"{prefix}_params", (
        ("count", c_list(counts)),
        ("step", c_list(steps)),
        ("base", str(base if all(counts) else 0)),
    ))
    source = source_pointer(ctx, inp.index, f"{prefix}_input")
    args = (f"&{prefix}_params", source, ctx.arena_pointer(out.index, const=False))
    return layer(plan, f"tb_strided_slice_{width_suffix(inp)}", args, (params,), HEADER)


VARIANTS = single(emit, plan_input)
HANDLERS = (
    OpHandler("SLICE", check, VARIANTS, no_macs, "int8, int16, int32, float32, bool; up to 5-D, constant begin/size (int32 or int64, size -1: the rest)",
              Operands(3, 3, roles=("input", "begin", "size")), max_version=7),
    OpHandler("REVERSE_V2", check, VARIANTS, no_macs, "int8, uint8, int16, int32, float32, bool, int64; up to 5-D, constant contiguous axes (negative too)",
              Operands(2, 2, roles=("input", "axis")), max_version=2),
    OpHandler("DEPTH_TO_SPACE", check, VARIANTS, no_macs, "int8, float32; 4-D NHWC", unary(), max_version=1),
    OpHandler("SPACE_TO_DEPTH", check, VARIANTS, no_macs, "int8, float32; 4-D NHWC", unary(), max_version=2),
)
