"""LOG_SOFTMAX over the last dimension: float32 as TFLM's float reference (libm expf/logf: within
the float32 tolerance of host TFLM); int8 as TFLM's fixed-point LogSoftmaxQuantized, bit-exact, with
the constants its Prepare derives (log_softmax_quant): output scale 16/256 and zero point 127 (TFLM's
rule), the input multiplier of PreprocessSoftmaxScaling with beta 1 (Q5.26 differences), the reverse
scaling divisor of PreprocessLogSoftmaxScalingExp and diff_min = -CalculateInputRadius(5, shift).

MACs: 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..elementwise_quant import QuantParamError, quantize_multiplier_smaller_than_one_exp, softmax_quant
from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator
from . import checks
from .add_sub_common import quant_error, scale_zp
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, single
from .registry import OpHandler, no_macs, unary
from .typed_elementwise import check_unary_typed

HEADER = "log_softmax/tb_log_softmax.h"
OUTPUT_SCALE = 16.0 / 256.0  # TFLM's kOutputScale and kOutputZeroPoint for int8
OUTPUT_ZERO_POINT = 127


@dataclass(frozen=True)
class LogSoftmaxQuant:
    input_multiplier: int
    input_left_shift: int
    reverse_scaling_divisor: int
    reverse_scaling_right_shift: int
    diff_min: int


def log_softmax_quant(input_scale: float) -> LogSoftmaxQuant:
    """TFLM's CalculateOpData for int8 (beta 1, 5 integer bits for the scaled differences).

    Raises:
        QuantParamError: an input scale whose shifts TFLM's arithmetic cannot hold (a left shift
            outside 1..30: TFLM would shift 1 into the sign bit, undefined behaviour).
    """
    q = softmax_quant(1.0, input_scale)
    if not 1 <= q.input_left_shift <= 30:
        raise QuantParamError(f"input scale {input_scale!r} needs an input left shift {q.input_left_shift} outside 1..30, "
                              "where TFLM's 1 << (31 - shift) and x << shift overflow")
    real_divisor = float(1 << (31 - q.input_left_shift)) / float(q.input_multiplier)
    divisor, shift = quantize_multiplier_smaller_than_one_exp(real_divisor)
    return LogSoftmaxQuant(q.input_multiplier, q.input_left_shift, divisor, -shift, q.diff_min)


def check(model: Model, op: Operator) -> None:
    inp, out = check_unary_typed(model, op, ("float32", "int8"))
    if inp.shape != out.shape:
        raise MalformedModelError(
            f"operator #{op.index} LOG_SOFTMAX: output shape {list(out.shape)} differs from the input's "
            f"{list(inp.shape)}; TFLM's Prepare requires the same shape: re-convert the model")
    if inp.dtype != "int8":
        return
    checks.expect_per_tensor(op, inp, "input")
    checks.expect_per_tensor(op, out, "output")
    scale, zero_point = scale_zp(out)
    if np.float32(scale) != np.float32(OUTPUT_SCALE) or zero_point != OUTPUT_ZERO_POINT:
        raise UnsupportedTensorError(
            out.name, out.dtype,
            f"LOG_SOFTMAX (operator #{op.index}) int8 output has scale {scale} and zero point {zero_point}; "
            f"TFLM's Prepare requires scale 16/256 and zero point 127: re-convert the model (the converter "
            "writes them)",
        )
    try:
        log_softmax_quant(scale_zp(inp)[0])
    except QuantParamError as exc:
        raise quant_error(op, exc) from None


def plan_log_softmax(ctx: PlanContext, op: Operator) -> Planned:
    inp = ctx.input(op)
    return Planned(log_softmax_quant(scale_zp(inp)[0]) if inp.dtype == "int8" else None)


def emit(ctx: EmitContext, plan: LayerPlan) -> Layer:
    inp, out = ctx.input(plan.op), ctx.output(plan.op)
    depth = inp.shape[-1] if inp.shape else 1
    rows = math.prod(inp.shape[:-1]) if inp.shape else 1
    args = (str(rows), str(depth), ctx.arena_pointer(inp.index, const=True), ctx.arena_pointer(out.index, const=False))
    if inp.dtype == "float32":
        return layer(plan, "tb_log_softmax_f32", args, (), HEADER)
    q: LogSoftmaxQuant = plan.params
    params = CStruct("tb_log_softmax_s8_params_t", f"{plan.prefix}_params", (
        ("input_multiplier", str(q.input_multiplier)),
        ("input_left_shift", str(q.input_left_shift)),
        ("reverse_scaling_divisor", str(q.reverse_scaling_divisor)),
        ("reverse_scaling_right_shift", str(q.reverse_scaling_right_shift)),
        ("diff_min", str(q.diff_min)),
    ))
    return layer(plan, "tb_log_softmax_s8", (f"&{params.name}", *args), (params,), HEADER)


HANDLERS = (
    OpHandler("LOG_SOFTMAX", check, single(emit, plan_log_softmax), no_macs,
              "float32, int8 (over the last dimension; int8 output scale 16/256, zero point 127)", unary(),
              max_version=2),
)
