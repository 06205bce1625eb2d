"""RESIZE_NEAREST_NEIGHBOR (int8, int16, float32) and RESIZE_BILINEAR (int8, float32), NHWC, to a
constant size, with align_corners and half_pixel_centers as TFLM's reference kernels:

- which input row / column each output row / column reads depends only on the shapes and the
  options, so it is computed here, in float32 for nearest neighbour and float bilinear
  (TFLM's GetNearestNeighbor and ComputeInterpolationValues) and in 1/1024 fixed point for int8
  bilinear (ComputeInterpolationValuesInteger), and put in flash as small tables;
- the kernels only gather (nearest) or weight four neighbours (bilinear).

TFLM's Prepare needs a 4-D input, a constant 1-D int32 size of 2 values, and for bilinear not
both align_corners and half_pixel_centers. Quantized resizes keep the input's values (no
rescaling), as TFLM's kernels do whatever the output's quantization says.
MACs: 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator
from . import checks, slots
from .add_sub_common import unsupported
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, float_constant, int_constant, single
from .registry import OpHandler, Operands, no_macs

HEADER = "resize/tb_resize.h"
SIZE = 1  # the size input slot
_F = np.float32
_DTYPES = {"RESIZE_NEAREST_NEIGHBOR": ("int8", "int16", "float32"), "RESIZE_BILINEAR": ("int8", "float32")}
_SUFFIX = {"int8": "s8", "int16": "s16", "float32": "f32"}


def _size(model: Model, op: Operator) -> tuple[int, int]:
    size = checks.required(model, op, SIZE, "size")
    if size.dtype != "int32" or not size.is_constant or size.shape != (2,):
        raise UnsupportedTensorError(
            size.name, size.dtype,
            f"{op.name} (operator #{op.index}) needs a constant 1-D int32 size of 2 values (TFLM's Prepare "
            "refuses others); make the size a constant [height, width] int32 tensor",
        )
    assert size.data is not None
    height, width = (int(v) for v in size.data.reshape(-1))
    return height, width


def _flags(op: Operator) -> tuple[bool, bool]:
    return bool(op.options.get("align_corners", False)), bool(op.options.get("half_pixel_centers", False))


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", _DTYPES[op.name])
    checks.expect_dtype(op, out, "output", (inp.dtype,))
    checks.expect_not_constant(op, inp, "input")
    if len(inp.shape) != 4 or any(d < 1 for d in inp.shape):
        raise UnsupportedTensorError(
            inp.name, inp.dtype,
            f"{op.name} (operator #{op.index}) input shape {list(inp.shape)}: TFLM needs a 4-D NHWC input "
            "without empty dimensions; reshape the input to [batches, height, width, channels]",
        )
    height, width = _size(model, op)
    expected = (inp.shape[0], height, width, inp.shape[3])
    if height < 1 or width < 1 or out.shape != expected:
        raise MalformedModelError(
            f"operator #{op.index} {op.name} resizes {list(inp.shape)} to {height}x{width}, so its output "
            f"should be {list(expected)}, not {list(out.shape)}"
        )
    align, half = _flags(op)
    if op.name == "RESIZE_BILINEAR" and align and half:
        raise unsupported(op, "align_corners and half_pixel_centers both set: TFLM's Prepare refuses this; "
                              "set at most one")


# ---------------------------------------------------------------- build-time tables


def nearest_indices(in_size: int, out_size: int, align: bool, half: bool) -> list[int]:
    """TFLM's GetNearestNeighbor for every output position, in float32."""
    if align and out_size > 1:
        scale = _F(in_size - 1) / _F(out_size - 1)
    else:
        scale = _F(in_size) / _F(out_size)
    offset = _F(0.5) if half else _F(0.0)
    indices = []
    for position in range(out_size):
        value = (_F(position) + offset) * scale
        # TfLiteRound: half away from zero; else floor.
        index = int(math.floor(abs(float(value)) + 0.5)) * (1 if value >= 0 else -1) if align \
            else int(math.floor(float(value)))
        index = min(index, in_size - 1)
        if half:
            index = max(0, index)
        indices.append(index)
    return indices


def bilinear_float_table(in_size: int, out_size: int, align: bool, half: bool) -> tuple[list[int], list[float]]:
    """TFLM's ComputeInterpolationValues per output position: [lower, upper] indices and the
    float32 weights [1 - (v - lower), v - lower], as its ResizeBilinear computes them."""
    scale = _F(in_size) / _F(out_size)
    if align and out_size > 1:
        scale = _F(in_size - 1) / _F(out_size - 1)
    indices: list[int] = []
    weights: list[float] = []
    for position in range(out_size):
        value = (_F(position) + _F(0.5)) * scale - _F(0.5) if half else _F(position) * scale
        lower = max(int(np.floor(value)), 0)
        upper = min(int(np.ceil(value)), in_size - 1)
        fraction = _F(value - _F(lower))
        indices += [lower, upper]
        weights += [float(_F(1) - fraction), float(fraction)]
    return indices, weights


def _trunc_div(a: int, b: int) -> int:
    """C's integer division (toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b > 0) else -q


def bilinear_int_table(in_size: int, out_size: int, align: bool, half: bool) -> list[int]:
    """TFLM's ComputeInterpolationValuesInteger per output position: [lower, upper, v - 1024 * lower]."""
    if align and out_size > 1:
        scale = ((1 << 10) * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    else:
        scale = ((1 << 10) * in_size + out_size // 2) // out_size
    table: list[int] = []
    for position in range(out_size):
        value = position * scale + _trunc_div(scale, 2) - (1 << 9) if half else position * scale
        lower = max(_trunc_div(value, 1 << 10), 0)
        upper = min(_trunc_div(value + (1 << 10) - 1, 1 << 10), in_size - 1)
        table += [lower, upper, value - (1 << 10) * lower]
    return table


@dataclass(frozen=True)
class Resize:
    shape: tuple[int, int, int, int, int, int]  # batches, in_h, in_w, depth, out_h, out_w


def plan(ctx: PlanContext, op: Operator) -> Planned:
    inp = ctx.input(op)
    n, in_h, in_w, depth = inp.shape
    out_h, out_w = _size(ctx.model, op)
    align, half = _flags(op)
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: {op.name} {in_h}x{in_w} -> {out_h}x{out_w}"
    params = Resize((n, in_h, in_w, depth, out_h, out_w))
    if op.name == "RESIZE_NEAREST_NEIGHBOR":
        return Planned(params, (
            int_constant(f"{prefix}_rows", "int32_t", nearest_indices(in_h, out_h, align, half),
                         f"{where}: input row of each output row", 16, 3),
            int_constant(f"{prefix}_cols", "int32_t", nearest_indices(in_w, out_w, align, half),
                         f"{where}: input column of each output column", 16, 3),
        ))
    if inp.dtype == "int8":
        return Planned(params, (
            int_constant(f"{prefix}_rows", "int32_t", bilinear_int_table(in_h, out_h, align, half),
                         f"{where}: per output row y0, y1, dy (1/1024)", 12, 5),
            int_constant(f"{prefix}_cols", "int32_t", bilinear_int_table(in_w, out_w, align, half),
                         f"{where}: per output column x0, x1, dx (1/1024)", 12, 5),
        ))
    rows, row_weights = bilinear_float_table(in_h, out_h, align, half)
    cols, col_weights = bilinear_float_table(in_w, out_w, align, half)
    return Planned(params, (
        int_constant(f"{prefix}_rows", "int32_t", rows, f"{where}: per output row y0, y1", 16, 3),
        float_constant(f"{prefix}_row_weights", row_weights, f"{where}: per output row weights of y0, y1"),
        int_constant(f"{prefix}_cols", "int32_t", cols, f"{where}: per output column x0, x1", 16, 3),
        float_constant(f"{prefix}_col_weights", col_weights, f"{where}: per output column weights of x0, x1"),
    ))


def emit(ctx: EmitContext, plan_: LayerPlan) -> Layer:
    op, p = plan_.op, plan_.params
    inp, out = ctx.input(op), ctx.output(op)
    names = ("batches", "in_h", "in_w", "depth", "out_h", "out_w")
    shape = "{" + ", ".join(f".{k} = {v}" for k, v in zip(names, p.shape)) + "}"
    tables = tuple((c.name.rsplit("_", 1)[-1] if not c.name.endswith("weights") else
                    c.name.split("_")[-2] + "_weights", c.name) for c in plan_.constants)
    if op.name == "RESIZE_NEAREST_NEIGHBOR":
        ctype, function = "tb_resize_nearest_params_t", f"tb_resize_nearest_{_SUFFIX[inp.dtype]}"
    elif inp.dtype == "int8":
        ctype, function = "tb_resize_bilinear_params_t", "tb_resize_bilinear_s8"
    else:
        ctype, function = "tb_resize_bilinear_f32_params_t", "tb_resize_bilinear_f32"
    params = CStruct(ctype, f"{plan_.prefix}_params", (("shape", shape), *tables))
    args = (f"&{params.name}", ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    return layer(plan_, function, args, (params,), HEADER)


_OPERANDS = Operands(2, 2, roles=("input", "size"))
HANDLERS = (
    OpHandler("RESIZE_NEAREST_NEIGHBOR", check, single(emit, plan), no_macs,
              "int8, int16, float32 (4-D, constant size; align_corners, half_pixel_centers)", _OPERANDS,
              max_version=4),
    OpHandler("RESIZE_BILINEAR", check, single(emit, plan), no_macs,
              "int8, float32 (4-D, constant size; align_corners or half_pixel_centers)", _OPERANDS,
              max_version=4),
)
