"""BATCH_MATMUL (float32, int8, int16): lhs [..., A, B] x rhs [..., B, C] -> [..., A, C], batch
dimensions broadcast (ranks 2 to 5), adj_x / adj_y transposing the last two dimensions of an
operand, as TFLM's reference kernel.

The transposes TFLM does into scratch tensors are folded into strides here, so the kernel reads
both operands in place (either may be a constant in flash). int8 / int16: TFLM's Prepare
multiplier s_lhs * s_rhs (float32 product) / s_out, derived at build time; int16 zero points
must be 0 (TFLM's rule) and the int16 sum is rescaled with TFLM's 64-bit multiply.
MACs: output elements x depth.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..elementwise_quant import QuantParamError, quantize_multiplier
from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from . import checks, slots
from .add_sub_common import c_int_list, quant_error, quant_field, scale_zp
from .c_emit import CStruct, EmitContext, Layer, comment_text, layer, shape_text
from .layer_plan import Constant, LayerPlan, PlanContext, Planned, float_constant, int_constant, single
from .registry import OpHandler, Operands

HEADER = "batch_matmul/tb_batch_matmul.h"
BATCH_DIMS = 3  # TB_BATCH_MATMUL_BATCH_DIMS
LHS, RHS = 0, 1
_SUFFIX = {"float32": "f32", "int8": "s8", "int16": "s16"}
_CTYPE = {"int8": ("int8_t", 16, 4), "int16": ("int16_t", 12, 6)}


@dataclass(frozen=True)
class MatmulLayout:
    batches: tuple[int, ...]  # BATCH_DIMS output batch dimensions
    lhs_batch_strides: tuple[int, ...]
    rhs_batch_strides: tuple[int, ...]
    rows: int
    cols: int
    depth: int
    lhs_row_stride: int
    lhs_depth_stride: int
    rhs_depth_stride: int
    rhs_col_stride: int

    @property
    def output_elements(self) -> int:
        return math.prod(self.batches) * self.rows * self.cols


def _batch_strides(batch: tuple[int, ...], matrix: int) -> tuple[int, ...]:
    """TFLM's extent(): 0 for a size-1 (broadcast) dimension, else the elements after it."""
    strides = []
    for d in range(len(batch)):
        strides.append(0 if batch[d] == 1 else math.prod(batch[d + 1:]) * matrix)
    return tuple(strides)


def matmul_layout(lhs: tuple[int, ...], rhs: tuple[int, ...], adj_x: bool, adj_y: bool) -> MatmulLayout:
    """Strides and sizes of the product; ValueError when the shapes do not fit (TFLM's Prepare)."""
    if not (2 <= len(lhs) <= 5 and 2 <= len(rhs) <= 5):
        raise ValueError(f"ranks {len(lhs)} and {len(rhs)} (TFLM needs 2 to 5)")
    rows, depth = (lhs[-1], lhs[-2]) if adj_x else (lhs[-2], lhs[-1])
    rhs_depth, cols = (rhs[-1], rhs[-2]) if adj_y else (rhs[-2], rhs[-1])
    if depth != rhs_depth:
        raise ValueError(f"lhs {list(lhs)} sums over {depth} values but rhs {list(rhs)} over {rhs_depth}")
    lhs_batch = (1,) * (BATCH_DIMS + 2 - len(lhs)) + tuple(lhs[:-2])
    rhs_batch = (1,) * (BATCH_DIMS + 2 - len(rhs)) + tuple(rhs[:-2])
    batches = []
    for a, b in zip(lhs_batch, rhs_batch):
        if a != b and 1 not in (a, b):
            raise ValueError(f"batch dimensions of {list(lhs)} and {list(rhs)} do not broadcast")
        batches.append(max(a, b) if 1 in (a, b) else a)
    return MatmulLayout(
        tuple(batches), _batch_strides(lhs_batch, lhs[-1] * lhs[-2]), _batch_strides(rhs_batch, rhs[-1] * rhs[-2]),
        rows, cols, depth,
        lhs_row_stride=1 if adj_x else depth, lhs_depth_stride=rows if adj_x else 1,
        rhs_depth_stride=1 if adj_y else cols, rhs_col_stride=depth if adj_y else 1,
    )


def matmul_quant(lhs: Tensor, rhs: Tensor, out: Tensor) -> tuple[int, int]:
    """TFLM's GetQuantizedConvolutionMultipler (float32 product of the input scales) and
    QuantizeMultiplier."""
    s_lhs, _ = scale_zp(lhs)
    s_rhs, _ = scale_zp(rhs)
    s_out, _ = scale_zp(out)
    product = float(np.float32(s_lhs) * np.float32(s_rhs))
    multiplier, shift = quantize_multiplier(product / float(np.float32(s_out)))
    limit = 7 if lhs.dtype == "int16" else 30
    if not -31 <= shift <= limit:
        raise QuantParamError(f"rescale shift {shift} outside -31..{limit}")
    return multiplier, shift


def _flags(op: Operator) -> tuple[bool, bool]:
    return bool(op.options.get("adj_x", False)), bool(op.options.get("adj_y", False))


def check(model: Model, op: Operator) -> None:
    lhs = checks.required(model, op, LHS, "lhs")
    rhs = checks.required(model, op, RHS, "rhs")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, lhs, "lhs", ("float32", "int8", "int16"))
    checks.expect_dtype(op, rhs, "rhs", (lhs.dtype,))
    checks.expect_dtype(op, out, "output", (lhs.dtype,))
    if lhs.is_constant and rhs.is_constant:
        raise UnsupportedTensorError(
            lhs.name, lhs.dtype,
            f"{op.name} (operator #{op.index}) multiplies two constants; fold the product into a constant",
        )
    try:
        layout = matmul_layout(lhs.shape, rhs.shape, *_flags(op))
    except ValueError as exc:
        raise MalformedModelError(f"operator #{op.index} {op.name}: {exc}") from None
    if layout.output_elements != out.num_elements or 0 in lhs.shape or 0 in rhs.shape:
        raise MalformedModelError(
            f"operator #{op.index} {op.name}: the product of {list(lhs.shape)} and {list(rhs.shape)} has "
            f"{layout.output_elements} values, but the output {list(out.shape)} holds {out.num_elements}"
        )
    if lhs.dtype == "float32":
        return
    for tensor, role in ((lhs, "lhs"), (rhs, "rhs"), (out, "output")):
        checks.expect_per_tensor(op, tensor, role)
        if lhs.dtype == "int16":
            checks.expect_zero_point(op, tensor, role, 0, "TFLM's int16 BATCH_MATMUL")
    try:
        matmul_quant(lhs, rhs, out)
    except QuantParamError as exc:
        raise quant_error(op, exc) from None


def macs(model: Model, op: Operator) -> int:
    lhs, rhs = slots.required_input(model, op, LHS), slots.required_input(model, op, RHS)
    layout = matmul_layout(lhs.shape, rhs.shape, *_flags(op))
    return layout.output_elements * layout.depth


def _constant(op: Operator, tensor: Tensor, role: str) -> Constant:
    assert tensor.data is not None
    name = f"tb_l{op.index}_{role}"
    comment = comment_text(f"Layer {op.index}: {op.name} constant {role} '{tensor.name}' {shape_text(tensor)}")
    if tensor.dtype == "float32":
        return float_constant(name, tensor.data, comment)
    ctype, per_line, width = _CTYPE[tensor.dtype]
    return int_constant(name, ctype, tensor.data, comment, per_line, width)


def plan(ctx: PlanContext, op: Operator) -> Planned:
    lhs, rhs = ctx.input(op, LHS), ctx.input(op, RHS)
    layout = matmul_layout(lhs.shape, rhs.shape, *_flags(op))
    constants = tuple(_constant(op, t, role) for t, role in ((lhs, "lhs"), (rhs, "rhs")) if t.is_constant)
    return Planned(layout, constants)


def emit(ctx: EmitContext, plan_: LayerPlan) -> Layer:
    op, p = plan_.op, plan_.params
    lhs, rhs, out = ctx.input(op, LHS), ctx.input(op, RHS), ctx.output(op)
    prefix = plan_.prefix
    shape = CStruct("tb_batch_matmul_shape_t", f"{prefix}_shape", (
        ("batches", c_int_list(p.batches)),
        ("lhs_batch_strides", c_int_list(p.lhs_batch_strides)),
        ("rhs_batch_strides", c_int_list(p.rhs_batch_strides)),
        ("rows", str(p.rows)), ("cols", str(p.cols)), ("depth", str(p.depth)),
        ("lhs_row_stride", str(p.lhs_row_stride)), ("lhs_depth_stride", str(p.lhs_depth_stride)),
        ("rhs_depth_stride", str(p.rhs_depth_stride)), ("rhs_col_stride", str(p.rhs_col_stride)),
    ))
    operands = tuple(f"{prefix}_{role}" if t.is_constant else ctx.arena_pointer(t.index, const=True)
                     for t, role in ((lhs, "lhs"), (rhs, "rhs")))
    output = ctx.arena_pointer(out.index, const=False)
    function = f"tb_batch_matmul_{_SUFFIX[lhs.dtype]}"
    if lhs.dtype == "float32":
        return layer(plan_, function, (f"&{shape.name}", *operands, output), (shape,), HEADER)
    multiplier, shift = matmul_quant(lhs, rhs, out)
    params = CStruct("tb_batch_matmul_params_t", f"{prefix}_params", (
        ("lhs_offset", str(-scale_zp(lhs)[1])),
        ("rhs_offset", str(-scale_zp(rhs)[1])),
        ("output_offset", str(scale_zp(out)[1])),
        ("quant", quant_field(multiplier, shift)),
    ))
    return layer(plan_, function, (f"&{shape.name}", f"&{params.name}", *operands, output), (shape, params), HEADER)


HANDLERS = (OpHandler("BATCH_MATMUL", check, single(emit, plan), macs,
                      "float32, int8, int16 (int16 zero points 0; ranks 2 to 5, batch broadcasting, adj_x, adj_y)",
                      Operands(2, 2, roles=("lhs", "rhs")), max_version=3),)
