"""ABS (float32, int8, int16) and RSQRT (float32, int8), as TFLM's elementwise.cc.

float32: one function per element (tb_abs_f32, tb_rsqrt_f32 in math/). int8: the whole operator is
a 256-entry table of TFLM's integer arithmetic, computed here (abs_table, rsqrt_table) with the
constants its PrepareAbsRsqrt derives. int16 ABS: quantized (zero points 0; rescaled when the
scales differ, saturated) or, without quantization, std::abs wrapping -32768 to itself.
RSQRT of an int8 value below the input zero point fails in TFLM's Eval ("only defined for
positive values"); its table entry is then the type's maximum, never compared.
MACs: 0.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..elementwise_quant import QuantParamError
from ..model import Model, Operator, Tensor
from ..quantization import (
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    rounding_divide_by_pot,
    saturating_rounding_doubling_high_mul,
)
from . import checks
from .add_sub_common import quant_error, quant_field, scale_zp, unsupported
from .c_emit import CStruct, EmitContext, Layer
from .layer_plan import LayerPlan, PlanContext, Planned, int_constant, single
from .registry import OpHandler, no_macs, unary
from .typed_elementwise import check_unary_typed, emit_unary

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1
RSQRT_SHIFT = 20  # TFLM's kShift in RsqrtEvalQuantized


def _wrap32(x: int) -> int:
    return ((x + 2**31) % 2**32) - 2**31


def _f32(x: float) -> float:
    return float(np.float32(x))


def abs_multiplier(input_scale: float, output_scale: float) -> tuple[int, int] | None:
    """SetAbsOutputMultiplier (float32 division, then double), or None when the scales are equal
    (TFLM then only re-offsets)."""
    if input_scale == output_scale:
        return None
    return quantize_multiplier(_f32(_f32(input_scale) / _f32(output_scale)))


def rsqrt_multiplier(input_scale: float, output_scale: float) -> tuple[int, int]:
    """SetRsqrtOutputMultiplier: 1 / (sqrtf(input_scale) * output_scale), the product in float32."""
    product = _f32(_f32(np.sqrt(np.float32(input_scale))) * _f32(output_scale))
    return quantize_multiplier(1.0 / product)


def abs_table(input_zero_point: int, output_zero_point: int, multiplier: tuple[int, int] | None) -> list[int]:
    """TFLM's AbsEvalQuantized for every int8 input, indexed by q + 128."""
    table = []
    for q in range(-128, 128):
        value = abs(q - input_zero_point)
        if multiplier is not None:
            value = multiply_by_quantized_multiplier(value, *multiplier)
        table.append(min(max(value + output_zero_point, -128), 127))
    return table


def _saturating_shift_left(x: int, exponent: int) -> int:
    """gemmlowp's SaturatingRoundingMultiplyByPOT for a positive exponent."""
    threshold = (1 << (31 - exponent)) - 1
    if x > threshold:
        return INT32_MAX
    if x < -threshold:
        return INT32_MIN
    return _wrap32(x << exponent)


def inv_sqrt_multiplier_exp(value: int) -> tuple[int, int]:
    """TFLM's GetInvSqrtQuantizedMultiplierExp(value, kReverseShift): a Q31 multiplier and a left
    shift with multiplier * 2^shift ~ 1 / sqrt(value), by its five Newton-Raphson steps in
    gemmlowp fixed point (3 integer bits)."""
    if value <= 1:
        return INT32_MAX, 0
    shift = 11
    while value >= 1 << 29:
        value //= 4
        shift += 1
    leading_zeros = 32 - value.bit_length()
    pairs = (leading_zeros - 1) // 2 - 1
    shift -= pairs
    value <<= 2 * pairs
    srdhm = saturating_rounding_doubling_high_mul
    x_in = value >> 1
    half_input = rounding_divide_by_pot(x_in, 1)
    half_three = (1 << 28) + (1 << 27)
    x = 1 << 28  # F3 one
    for _ in range(5):
        x3 = _saturating_shift_left(srdhm(srdhm(x, x), x), 6)  # F9 -> F3
        x = _saturating_shift_left(_wrap32(srdhm(half_three, x) - srdhm(half_input, x3)), 3)  # F6 -> F3
    x = srdhm(x, 1518500250)  # times sqrt(2) / 2
    if shift < 0:
        x = _wrap32(x << -shift)
        shift = 0
    return x, -shift


def rsqrt_table(input_zero_point: int, output_zero_point: int, multiplier: tuple[int, int]) -> list[int]:
    """TFLM's RsqrtEvalQuantized for every int8 input, indexed by q + 128."""
    m, s = multiplier
    table = []
    for q in range(-128, 128):
        value = q - input_zero_point
        if value <= 0:  # 0: TFLM's maximum; below: TFLM's Eval fails
            table.append(127)
            continue
        inv_m, inv_s = inv_sqrt_multiplier_exp(value)
        data = multiply_by_quantized_multiplier(1, inv_m, inv_s + RSQRT_SHIFT)
        output = multiply_by_quantized_multiplier(data, m, s - RSQRT_SHIFT) + output_zero_point
        table.append(min(max(output, -128), 127))
    return table


@dataclass(frozen=True)
class AbsS16:
    quantized: bool
    multiplier: tuple[int, int] | None


def _check_shift(op: Operator, multiplier: tuple[int, int] | None) -> None:
    if multiplier is not None and not -31 <= multiplier[1] <= 31:
        raise unsupported(op, f"input/output scales needing shift {multiplier[1]} (outside -31..31)")


def check_abs(model: Model, op: Operator) -> None:
    inp, out = check_unary_typed(model, op, ("float32", "int8", "int16"))
    if inp.dtype == "int8" or (inp.dtype == "int16" and inp.quantization is not None):
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
        if inp.dtype == "int16" and (scale_zp(inp)[1], scale_zp(out)[1]) != (0, 0):
            raise quant_error(op, QuantParamError("int16 ABS needs zero points of 0"))
        _check_shift(op, abs_multiplier(scale_zp(inp)[0], scale_zp(out)[0]))


def check_rsqrt(model: Model, op: Operator) -> None:
    inp, out = check_unary_typed(model, op, ("float32", "int8"))
    if inp.dtype == "int8":
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
        _check_shift(op, rsqrt_multiplier(scale_zp(inp)[0], scale_zp(out)[0]))


def _table(op: Operator, values: list[int], what: str) -> Planned:
    return Planned(None, (int_constant(f"tb_l{op.index}_table", "int8_t", values,
                                       f"Layer {op.index}: {op.name} {what}, indexed by q + 128", 16, 4),))


def plan_abs(ctx: PlanContext, op: Operator) -> Planned:
    inp, out = ctx.input(op), ctx.output(op)
    if inp.dtype == "int8":
        (si, zi), (so, zo) = scale_zp(inp), scale_zp(out)
        return _table(op, abs_table(zi, zo, abs_multiplier(si, so)), "TFLM's quantized |x|")
    if inp.dtype == "int16":
        quantized = inp.quantization is not None
        return Planned(AbsS16(quantized, abs_multiplier(scale_zp(inp)[0], scale_zp(out)[0]) if quantized else None))
    return Planned()


def plan_rsqrt(ctx: PlanContext, op: Operator) -> Planned:
    inp, out = ctx.input(op), ctx.output(op)
    if inp.dtype == "int8":
        (si, zi), (so, zo) = scale_zp(inp), scale_zp(out)
        return _table(op, rsqrt_table(zi, zo, rsqrt_multiplier(si, so)), "TFLM's quantized 1/sqrt(x)")
    return Planned()


def _emit(ctx: EmitContext, plan: LayerPlan, stem: str) -> Layer:
    inp: Tensor = ctx.input(plan.op)
    if inp.dtype == "float32":
        return emit_unary(ctx, plan, f"{stem}_f32", "math/tb_math.h")
    if inp.dtype == "int8":
        table = CStruct("tb_table_s8_t", f"{plan.prefix}_params", (("table", f"tb_l{plan.op.index}_table"),))
        return emit_unary(ctx, plan, f"{stem}_s8", "math/tb_math.h", table)
    q: AbsS16 = plan.params
    m, s = q.multiplier if q.multiplier is not None else (0, 0)
    params = CStruct("tb_abs_s16_params_t", f"{plan.prefix}_params", (
        ("quantized", "1" if q.quantized else "0"),
        ("rescale", "1" if q.multiplier is not None else "0"),
        ("quant", quant_field(m, s)),
    ))
    return emit_unary(ctx, plan, f"{stem}_s16", "math/tb_math.h", params)


def emit_abs(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return _emit(ctx, plan, "tb_abs")


def emit_rsqrt(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return _emit(ctx, plan, "tb_rsqrt")


HANDLERS = (
    OpHandler("ABS", check_abs, single(emit_abs, plan_abs), no_macs,
              "float32, int8, int16 (int8 as a table of TFLM's arithmetic; int16 quantized or not)", unary(),
              max_version=3),
    OpHandler("RSQRT", check_rsqrt, single(emit_rsqrt, plan_rsqrt), no_macs,
              "float32, int8 (int8 as a table of TFLM's arithmetic)", unary(), max_version=3),
)
