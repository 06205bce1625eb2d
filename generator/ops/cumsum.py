"""CUMSUM (float32, int8) along one constant axis, exclusive and reverse as TFLM's reference
kernel.

int8: TFLM's Prepare scales inputs by s_in / (2 s_in) after a 20-bit left shift and the sums by
2 s_in / (2^20 s_out) (QuantizeMultiplierSmallerThanOneExp, so that ratio must stay below 1),
derived here at build time; the kernel starts every running sum at the scaled negated input zero
point as TFLM's does.
MACs: 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..elementwise_quant import QuantParamError, quantize_multiplier_smaller_than_one_exp
from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from . import checks, slots
from .add_sub_common import quant_error, quant_field, scale_zp
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, single
from .registry import OpHandler, Operands, no_macs

HEADER = "cumsum/tb_cumsum.h"
LEFT_SHIFT = 20  # TFLM's kCumSumIntegerShift


@dataclass(frozen=True)
class CumsumQuant:
    input_offset: int
    output_offset: int
    input_multiplier: int
    input_shift: int
    output_multiplier: int
    output_shift: int


def cumsum_quant(inp: Tensor, out: Tensor) -> CumsumQuant:
    """TFLM's CUMSUM Prepare (scales as float32 widened to double).

    Raises:
        QuantParamError: 2 s_in / (2^20 s_out) not below 1 (TFLM's CHECK aborts).
    """
    s_in, z_in = scale_zp(inp)
    s_out, z_out = scale_zp(out)
    twice = 2 * float(np.float32(s_in))
    in_mult, in_shift = quantize_multiplier_smaller_than_one_exp(float(np.float32(s_in)) / twice)
    out_mult, out_shift = quantize_multiplier_smaller_than_one_exp(twice / ((1 << LEFT_SHIFT) * float(np.float32(s_out))))
    if out_shift < -31:
        raise QuantParamError(f"output rescale shift {out_shift} below -31")
    return CumsumQuant(-z_in, z_out, in_mult, in_shift, out_mult, out_shift)


def _axis(model: Model, op: Operator, inp: Tensor) -> int:
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


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", ("float32", "int8"))
    checks.expect_dtype(op, out, "output", (inp.dtype,))
    checks.expect_not_constant(op, inp, "input")
    if not inp.shape or any(d < 1 for d in inp.shape) or out.shape != inp.shape:
        raise MalformedModelError(
            f"operator #{op.index} {op.name}: input {list(inp.shape)} and output {list(out.shape)} need the same "
            "shape of rank >= 1 without empty dimensions (TFLM's Prepare)"
        )
    _axis(model, op, inp)
    if inp.dtype == "int8":
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
        try:
            cumsum_quant(inp, out)
        except QuantParamError as exc:
            raise quant_error(op, exc) from None


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op = plan.op
    inp, out = ctx.input(op), ctx.output(op)
    axis = _axis(ctx.model, op, inp)
    prefix = f"tb_l{op.index}"
    shape = CStruct("tb_cumsum_shape_t", f"{prefix}_shape", (
        ("inner", str(math.prod(inp.shape[:axis]))),
        ("depth", str(inp.shape[axis])),
        ("outer", str(math.prod(inp.shape[axis + 1:]))),
        ("exclusive", "1" if op.options.get("exclusive", False) else "0"),
        ("reverse", "1" if op.options.get("reverse", False) else "0"),
    ), compact=True)
    data = (ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    if inp.dtype == "float32":
        return Layer(op.index, op.name, op.index, "tb_cumsum_f32", (f"&{shape.name}", *data), (shape,), header=HEADER)
    q = cumsum_quant(inp, out)
    params = CStruct("tb_cumsum_params_t", f"{prefix}_params", (
        ("input_offset", str(q.input_offset)),
        ("output_offset", str(q.output_offset)),
        ("input_quant", quant_field(q.input_multiplier, q.input_shift)),
        ("output_quant", quant_field(q.output_multiplier, q.output_shift)),
    ))
    return Layer(op.index, op.name, op.index, "tb_cumsum_s8", (f"&{shape.name}", f"&{params.name}", *data),
                 (shape, params), header=HEADER)


HANDLERS = (OpHandler("CUMSUM", check, single(emit), no_macs,
                      "float32, int8 (constant axis; exclusive, reverse)", Operands(2, 2, roles=("input", "axis")),
                      max_version=1),)
