"""LOGISTIC and TANH: int8 (gemmlowp fixed point on Q4.27 inputs, as TFLM), int16 (TFLM's
interpolated sigmoid table, generator/int16_sigmoid.py) and float32.

The int8 constants are derived as TFLM's Prepare derives them (see elementwise_quant.py), the
int16 input rescaling as int16_sigmoid.input_rescale says.
MACs: 0 (no multiply-accumulate work; rescaling multiplies are not counted).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

from .. import fixedpoint
from ..elementwise_quant import SigmoidLikeQuant, logistic_tanh_quant
from ..int16_sigmoid import InputRescale, input_rescale
from ..model import Model, Operator, Tensor
from ..options import KernelSet
from ..quantization import multiply_by_quantized_multiplier, rounding_divide_by_pot
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, Variant, int_constant, single
from .add_sub_common import check_quant, check_unary, quant_field, scale_zp, unary_layer, unary_plan, unsupported
from .registry import OpHandler, no_macs, unary

HEADER = "activations/tb_activations.h"


def _int16_rescale(op: Operator, inp: Tensor, out: Tensor) -> InputRescale:
    return input_rescale(op.name, *scale_zp(inp), *scale_zp(out))


def check_logistic(model: Model, op: Operator) -> None:
    inp, out = check_unary(model, op, ("int8", "int16", "float32"))
    if inp.dtype == "int16":
        check_quant(op, lambda: _int16_rescale(op, inp, out))
    elif inp.dtype == "int8":
        if scale_zp(out)[1] != -128:
            raise unsupported(op, f"an int8 output with zero point {scale_zp(out)[1]} (TFLM requires -128)")
        check_quant(op, lambda: logistic_tanh_quant(*scale_zp(inp)))


def check_tanh(model: Model, op: Operator) -> None:
    # TFLM's int8 TANH writes tanh in 1/128 steps with zero point 0 whatever the output's
    # quantization says; like TFLM we do not check the output parameters.
    inp, out = check_unary(model, op, ("int8", "int16", "float32"))
    if inp.dtype == "int16":
        check_quant(op, lambda: _int16_rescale(op, inp, out))
    elif inp.dtype == "int8":
        check_quant(op, lambda: logistic_tanh_quant(*scale_zp(inp)))


def _emit_sigmoid_like(ctx: EmitContext, plan: LayerPlan, stem: str) -> Layer:
    q: SigmoidLikeQuant | InputRescale | None = plan.params
    if isinstance(q, InputRescale):
        params = CStruct("tb_sigmoid_s16_params_t", f"{plan.prefix}_params", (
            ("multiplier", str(q.multiplier)), ("shift", str(q.shift)),
        ), compact=True)
        return unary_layer(ctx, plan, f"{stem}_s16", params, HEADER)
    if q is None:
        return unary_layer(ctx, plan, f"{stem}_f32", None, HEADER)
    params = CStruct("tb_sigmoid_params_t", f"{plan.prefix}_params", (
        ("input_zero_point", str(q.input_zero_point)),
        ("input_range_radius", str(q.input_range_radius)),
        ("input_quant", quant_field(q.input_multiplier, q.input_left_shift)),
    ))
    return unary_layer(ctx, plan, f"{stem}_s8", params, HEADER)


_PLAN = unary_plan(lambda op, inp, out: _int16_rescale(op, inp, out) if inp.dtype == "int16"
                   else logistic_tanh_quant(*scale_zp(inp)))


# ---- The optimized int8 variant: a 256-entry table (activations/lut_s8.c) ----
# The reference kernels' arithmetic per input value (sigmoid_common.h, logistic_s8.c, tanh_s8.c),
# evaluated here for all 256 int8 inputs: the kernel then reads one table byte per element.

LUT_HEADER = "activations/tb_lut_s8.h"
_Q4_BITS = 4  # the curves read their input in Q4.27


def _logistic_curve(x_q4: int) -> int:
    return min(max(rounding_divide_by_pot(fixedpoint.logistic(x_q4, _Q4_BITS), 31 - 8) - 128, -128), 127)


def _tanh_curve(x_q4: int) -> int:
    return min(max(rounding_divide_by_pot(fixedpoint.tanh(x_q4, _Q4_BITS), 31 - 7), -128), 127)


def sigmoid_like_table(q: SigmoidLikeQuant, curve: Callable[[int], int]) -> list[int]:
    """The int8 outputs for inputs -128..127, as tb_sigmoid_s8_run computes them."""
    table = []
    for value in range(-128, 128):
        x = value - q.input_zero_point
        if x <= -q.input_range_radius:
            table.append(-128)
        elif x >= q.input_range_radius:
            table.append(127)
        else:
            table.append(curve(multiply_by_quantized_multiplier(x, q.input_multiplier, q.input_left_shift)))
    return table


def _is_int8(model: Model, op: Operator) -> bool:
    return model.tensors[op.inputs[0]].dtype == "int8"


def _plan_lut(ctx: PlanContext, op: Operator, curve: Callable[[int], int]) -> Planned:
    q = logistic_tanh_quant(*scale_zp(ctx.input(op)))
    table = sigmoid_like_table(q, curve)
    return Planned(None, (int_constant(f"tb_l{op.index}_lut", "int8_t", table,
                                       f"Layer {op.index}: {op.name} of every int8 input -128..127", 16, 4),))


def _emit_lut(ctx: EmitContext, plan: LayerPlan) -> Layer:
    inp, out = ctx.input(plan.op), ctx.output(plan.op)
    args = (f"{plan.prefix}_lut", str(out.num_elements), ctx.arena_pointer(inp.index, const=True),
            ctx.arena_pointer(out.index, const=False))
    return layer(plan, "tb_lut_s8", args, (), LUT_HEADER)


def _variants(stem: str, curve: Callable[[int], int]) -> tuple[Variant, ...]:
    return (Variant("dsp table", KernelSet.OPTIMIZED, partial(_plan_lut, curve=curve), _emit_lut, applies=_is_int8),
            *single(partial(_emit_sigmoid_like, stem=stem), _PLAN))


LOGISTIC = _variants("tb_logistic", _logistic_curve)
TANH = _variants("tb_tanh", _tanh_curve)
HANDLERS = (
    OpHandler("LOGISTIC", check_logistic, LOGISTIC, no_macs,
              "int8 (output zero point -128), int16 (zero points 0, output scale 2^-15), float32", unary(),
              max_version=3),
    OpHandler("TANH", check_tanh, TANH, no_macs, "int8, int16 (zero points 0, output scale 2^-15), float32",
              unary(), max_version=3),
)
