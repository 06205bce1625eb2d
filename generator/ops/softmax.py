"""SOFTMAX over the last dimension, as TFLM's softmax_common.cc prepares it:

- int8 -> int8 (output scale 1/256, zero point -128) and int8 -> int16 (scale 1/65536, zero
  point -32768): the gemmlowp fixed-point path, no lookup table;
- int16 -> int16 (zero points 0, output scale 1/32768): TFLM's exp and 1/(1+x) tables, made here
  at generation time as its Prepare makes them (generator/lut16.py) and kept in flash;
- float32: beta, the target's expf.

MACs: 0.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..elementwise_quant import SOFTMAX_SCALED_DIFF_INTEGER_BITS, QuantParamError, SoftmaxQuant, softmax_quant
from ..fixedpoint import exp_on_negative_values, rescale
from ..lut16 import softmax_exp_lut, softmax_one_over_one_plus_x_lut
from ..model import Model, Operator, Tensor
from ..options import KernelSet
from ..quantization import multiply_by_quantized_multiplier, quantize_multiplier
from . import checks, slots
from .add_sub_common import quant_error, quant_field, scale_zp, unsupported
from .c_emit import CStruct, EmitContext, Layer, c_float, layer
from .layer_plan import LayerPlan, Planned, PlanContext, Variant, int_constant, single
from .registry import OpHandler, no_macs, unary

SOFTMAX_ACCUMULATION_INTEGER_BITS = 12  # the sum of exponentials is Q12.19

HEADER = "softmax/tb_softmax.h"

# (input, output type) -> (zero point, scale, its text, tolerance relative to the scale) TFLM's
# Prepare requires of the output; int8 -> int8 compares the scale exactly.
_OUTPUT_RULES: dict[tuple[str, str], tuple[int, float, str, float]] = {
    ("int8", "int8"): (-128, 1.0 / 256.0, "1/256", 0.0),
    ("int8", "int16"): (-32768, 1.0 / 65536.0, "1/65536", 0.001),
    ("int16", "int16"): (0, 1.0 / 32768.0, "1/32768", 0.001),
}
_OUTPUT_TYPES = {"int8": ("int8", "int16"), "int16": ("int16",), "float32": ("float32",)}


def _beta(op: Operator) -> float:
    return float(op.options.get("beta", 0.0))


def check(model: Model, op: Operator) -> None:
    inp = checks.required(model, op, slots.INPUT, "input")
    out = checks.required(model, op, slots.OUTPUT, "output")
    checks.expect_dtype(op, inp, "input", tuple(_OUTPUT_TYPES))
    checks.expect_dtype(op, out, "output", _OUTPUT_TYPES[inp.dtype])
    checks.expect_not_constant(op, inp, "input")
    if len(inp.shape) < 1 or inp.shape[-1] < 1 or list(inp.shape) != list(out.shape):
        raise unsupported(op, f"input shape {list(inp.shape)} with output shape {list(out.shape)}")
    if not _beta(op) > 0.0:
        raise unsupported(op, f"beta {_beta(op)} (TFLM needs beta > 0)")
    if inp.dtype == "float32":
        return
    checks.expect_per_tensor(op, inp, "input")
    checks.expect_per_tensor(op, out, "output")
    _check_output_quantization(op, inp, out)
    try:
        _input_quant(op, inp)
    except QuantParamError as exc:
        raise quant_error(op, exc) from None


def _check_output_quantization(op: Operator, inp: Tensor, out: Tensor) -> None:
    zero_point, scale, text, tolerance = _OUTPUT_RULES[(inp.dtype, out.dtype)]
    out_scale, out_zp = scale_zp(out)
    # TF_LITE_ENSURE_NEAR in float: |scale - expected| <= tolerance x expected.
    expected = np.float32(scale)
    delta = abs(np.float32(out_scale) - expected)
    exact = tolerance == 0.0 and np.float32(out_scale) == expected
    near = tolerance > 0.0 and delta <= np.float32(np.float32(tolerance) * expected)
    if out_zp != zero_point or not (exact or near):
        within = f", the scale within {tolerance:g} x {text}" if tolerance else ""
        raise unsupported(op, f"an {inp.dtype} -> {out.dtype} output with scale {out_scale} and zero point {out_zp} "
                              f"(TFLM requires {text} and {zero_point}{within})")
    if inp.dtype == "int16":
        checks.expect_zero_point(op, inp, "input", 0, "TFLM's int16 SOFTMAX")


@dataclass(frozen=True)
class Softmax16Quant:
    """int16 SOFTMAX: the input difference's rescaling so that [-65535, 0] spans [-10, 0]."""

    input_multiplier: int
    input_shift: int


def _input_quant(op: Operator, inp: Tensor) -> SoftmaxQuant | Softmax16Quant:
    in_scale = scale_zp(inp)[0]
    if inp.dtype == "int8":
        return softmax_quant(_beta(op), in_scale)
    # TFLM: double(input scale) * double(beta) / (10.0 / 65535.0), both float32 fields.
    real = float(np.float32(in_scale)) * float(np.float32(_beta(op))) / (10.0 / 65535.0)
    multiplier, shift = quantize_multiplier(real)
    if not -31 <= shift <= 31:
        raise QuantParamError(f"input scale {in_scale!r} x beta {_beta(op)!r} needs a shift of {shift} (outside -31..31)")
    return Softmax16Quant(multiplier, shift)


def plan(ctx: PlanContext, op: Operator) -> Planned:
    inp = ctx.input(op)
    if inp.dtype == "float32":
        return Planned()
    q = _input_quant(op, inp)
    if inp.dtype == "int8":
        return Planned(q)
    where = f"Layer {op.index}: SOFTMAX int16"
    return Planned(q, (
        int_constant(f"tb_l{op.index}_exp_lut", "int16_t", softmax_exp_lut(),
                     f"{where} exp table over [-10, 0] (TFLM's, made as its Prepare makes it)", 12, 6),
        int_constant(f"tb_l{op.index}_recip_lut", "int16_t", softmax_one_over_one_plus_x_lut(),
                     f"{where} 1/(1+x) table over [0, 1] (TFLM's, made as its Prepare makes it)", 12, 6),
    ))


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, prefix, q = plan.op, plan.prefix, plan.params
    inp, out = ctx.input(op), ctx.output(op)
    depth = inp.shape[-1]
    outer = inp.num_elements // depth
    if q is None:
        params = CStruct("tb_softmax_f32_params_t", f"{prefix}_params", (("beta", c_float(_beta(op))),), compact=True)
        function = "tb_softmax_f32"
    elif isinstance(q, Softmax16Quant):
        params = CStruct("tb_softmax_s16_params_t", f"{prefix}_params", (
            ("input_quant", quant_field(q.input_multiplier, q.input_shift)),
            ("exp_lut", plan.constants[0].name),
            ("one_over_one_plus_x_lut", plan.constants[1].name),
        ))
        function = "tb_softmax_s16"
    else:
        params = CStruct("tb_softmax_params_t", f"{prefix}_params", (
            ("input_quant", quant_field(q.input_multiplier, q.input_left_shift)),
            ("diff_min", str(q.diff_min)),
        ))
        function = "tb_softmax_s8_s16" if out.dtype == "int16" else "tb_softmax_s8"
    args = (f"&{params.name}", str(outer), str(depth),
            ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    return layer(plan, function, args, (params,), HEADER)


def _lut_applies(model: Model, op: Operator) -> bool:
    """int8 input, int8 or int16 output (the same tables; tb_softmax_s8_lut, tb_softmax_s8_s16_lut)."""
    return slots.required_input(model, op, slots.INPUT).dtype == "int8" and slots.output_tensor(model, op).dtype in (
        "int8", "int16")


def _exp_tables(q: SoftmaxQuant) -> tuple[list[int], list[int]]:
    """TFLM's exp of every difference d = max - x (0..255), and the same rescaled to the Q12.19
    sum; 0 below diff_min (TFLM skips those, and its output there is -128 as 0 gives)."""
    exps = [exp_on_negative_values(multiply_by_quantized_multiplier(-d, q.input_multiplier, q.input_left_shift),
                                   SOFTMAX_SCALED_DIFF_INTEGER_BITS) if -d >= q.diff_min else 0 for d in range(256)]
    return exps, [rescale(e, 0, SOFTMAX_ACCUMULATION_INTEGER_BITS) for e in exps]


def _plan_lut(ctx: PlanContext, op: Operator) -> Planned:
    q = _input_quant(op, ctx.input(op))
    assert isinstance(q, SoftmaxQuant)
    exps, sums = _exp_tables(q)
    where = f"Layer {op.index}: SOFTMAX"
    return Planned(q, (
        int_constant(f"tb_l{op.index}_exp_lut", "int32_t", exps, f"{where} exp of each difference to the row max (Q0)",
                     6, 11),
        int_constant(f"tb_l{op.index}_sum_lut", "int32_t", sums, f"{where} the same in the Q12.19 sum", 6, 11),
    ))


def _emit_lut(ctx: EmitContext, plan: LayerPlan) -> Layer:
    op, prefix = plan.op, plan.prefix
    inp, out = ctx.input(op), ctx.output(op)
    depth = inp.shape[-1]
    params = CStruct("tb_softmax_lut_params_t", f"{prefix}_params", (
        ("exp_lut", plan.constants[0].name), ("sum_lut", plan.constants[1].name)))
    args = (f"&{params.name}", str(inp.num_elements // depth), str(depth),
            ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    function = "tb_softmax_s8_s16_lut" if out.dtype == "int16" else "tb_softmax_s8_lut"
    return layer(plan, function, args, (params,), HEADER)


# The tables are not weights: a layer kept in the int8 layout still runs the table kernel.
VARIANTS = (Variant("lut", KernelSet.OPTIMIZED, _plan_lut, _emit_lut, applies=_lut_applies), *single(emit, plan))
HANDLERS = (OpHandler("SOFTMAX", check, VARIANTS, no_macs,
                      "int8 -> int8 (output scale 1/256, zero point -128), int8 -> int16 (scale 1/65536, zero point "
                      "-32768), int16 -> int16 (zero points 0, output scale 1/32768; TFLM's tables in flash), "
                      "float32; over the last dimension",
                      unary(), max_version=3,
                      # In TFLM's vocabulary (the free text above names int8 -> int8, which TFLM calls int8).
                      type_configs=("float32", "int8", "int8->int16", "int16")),)
