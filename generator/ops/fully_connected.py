"""FULLY_CONNECTED, int8 (per-tensor or per-channel weights, int32 bias), 16x8 (int16 activations,
int8 weights, int64 or int32 bias) and float32, fused clamps."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from ..conv_quant import float_activation_range
from ..options import KernelSet
from ..quantization import FullyConnectedQuant, QuantParamError, fully_connected_quant
from . import checks, conv_common, slots
from .c_emit import CStruct, EmitContext, Layer, c_float, layer
from .layer_plan import Constant, LayerPlan, PlanContext, Planned, Variant
from .registry import OpHandler, Operands, supported_ops

ACTIVATIONS: tuple[str, ...] = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")
HEADER = "fully_connected/tb_fully_connected.h"


def check(model: Model, op: Operator) -> None:
    activation = op.options.get("fused_activation_function", "NONE")
    if activation not in ACTIVATIONS:
        raise UnsupportedOpError(
            op.name, op.index, supported_ops(),
            detail=f"fused activation {activation} (supported: {', '.join(ACTIVATIONS)})",
        )
    weights_format = op.options.get("weights_format", "DEFAULT")
    if weights_format != "DEFAULT":
        raise UnsupportedOpError(op.name, op.index, supported_ops(), detail=f"weights format {weights_format}")
    inp = checks.required(model, op, slots.INPUT, "input")
    weights = checks.required(model, op, slots.FILTER, "weights")
    bias = checks.tensor(model, op, slots.BIAS, "bias", optional=True)
    out = checks.required(model, op, slots.OUTPUT, "output")

    checks.expect_dtype(op, inp, "input", ("int8", "int16", "float32"))
    if inp.dtype == "float32":
        checks.expect_dtype(op, out, "output", ("float32",))
        checks.expect_dtype(op, weights, "weights", ("float32",))
        if bias is not None:
            checks.expect_dtype(op, bias, "bias", ("float32",))
        checks.expect_not_constant(op, inp, "input")
    else:
        checks.expect_dtype(op, out, "output", (inp.dtype,))
        checks.expect_dtype(op, weights, "weights", ("int8",))
        checks.expect_not_constant(op, inp, "input")
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
        if bias is not None:
            # 16x8: TFLM accumulates in 64 bits with an int64 bias, in 32 with an int32 one.
            checks.expect_dtype(op, bias, "bias", ("int32",) if inp.dtype == "int8" else ("int64", "int32"))
    if not weights.is_constant:
        raise UnsupportedTensorError(weights.name, weights.dtype, f"FULLY_CONNECTED (operator #{op.index}) needs constant weights")
    if len(weights.shape) != 2:
        raise UnsupportedTensorError(
            weights.name, weights.dtype,
            f"FULLY_CONNECTED (operator #{op.index}) weights must be 2-D [units, depth], got {list(weights.shape)}",
        )
    units, depth = weights.shape
    if inp.dtype in QUANTIZED:
        _check_int8_weights(op, weights, units)
    if bias is not None:
        if not bias.is_constant or bias.num_elements != units:
            raise UnsupportedTensorError(
                bias.name, bias.dtype, f"FULLY_CONNECTED (operator #{op.index}) needs a constant bias of {units} values"
            )
    if units == 0 or out.num_elements % units != 0 or (out.shape and out.shape[-1] != units):
        raise MalformedModelError(
            f"operator #{op.index} FULLY_CONNECTED output shape {list(out.shape)} does not end in {units} units"
        )
    batches = out.num_elements // units
    if inp.num_elements != batches * depth:
        raise MalformedModelError(
            f"operator #{op.index} FULLY_CONNECTED input shape {list(inp.shape)} holds "
            f"{inp.num_elements} values, expected {batches} batches x {depth}"
        )
    if inp.dtype in QUANTIZED:
        _check_int8_rescaling(op, inp, weights, bias, out, str(activation))


QUANTIZED = ("int8", "int16")
BIAS_SCALE_TOLERANCE = 0.02  # TFLM: |input x filter scale - bias scale| / output scale <= 0.02


def _check_int8_rescaling(op: Operator, inp: Tensor, weights: Tensor, bias: Tensor | None, out: Tensor,
                          activation: str) -> None:
    """What TFLM's Prepare checks before it folds the scales (int8 and 16x8 alike): the bias scale
    agrees with input x weights scale, the activation range fits int32, and the multipliers fit
    the fixed point (16x8 with a 64-bit accumulator: shifts up to 7)."""
    assert inp.quantization and weights.quantization and out.quantization
    out_scale = out.quantization.scales[0]
    if bias is not None:
        # TFLM multiplies the two float scales in single precision, then compares in double.
        product = float(np.float32(inp.quantization.scales[0]) * np.float32(weights.quantization.scales[0]))
        bias_scale = bias.quantization.scales[0] if bias.quantization is not None else 0.0
        if abs(product - bias_scale) / out_scale > BIAS_SCALE_TOLERANCE:
            raise UnsupportedTensorError(
                bias.name, bias.dtype,
                f"FULLY_CONNECTED (operator #{op.index}) bias scale {bias_scale:.9g} differs from input scale x "
                f"weights scale {product:.9g} by more than {BIAS_SCALE_TOLERANCE:g} x the output scale "
                f"{out_scale:.9g}; TFLM refuses such a bias (re-export so that the bias is quantized with "
                "input scale x weights scale)",
            )
    try:
        fq = fully_connected_quant(inp.quantization, weights.quantization, out.quantization, activation, out.dtype)
    except QuantParamError as exc:
        raise checks.quantization_refused(op, out, exc) from None
    shifts = fq.channel_shifts if fq.channel_shifts is not None else (fq.shift,)
    if max(shifts) > 31:
        raise UnsupportedTensorError(
            out.name, out.dtype,
            f"FULLY_CONNECTED (operator #{op.index}) needs a rescaling multiplier of 2^{max(shifts) - 1} or more "
            "(input scale x weights scale / output scale); the fixed-point rescaling supports less than 2^31",
        )
    if inp.dtype == "int16" and not conv_common.accumulates_32(op, bias):
        conv_common.check_shifts_64(op, out, shifts)


def _check_int8_weights(op: Operator, weights: Tensor, units: int) -> None:
    wq = weights.quantization
    if wq is None:
        raise UnsupportedTensorError(weights.name, weights.dtype, f"FULLY_CONNECTED (operator #{op.index}) weights are not quantized")
    checks.expect_positive_scales(op, weights, "weights")
    if wq.per_channel:
        if len(wq.scales) != units or wq.quantized_dimension != 0:
            raise UnsupportedTensorError(
                weights.name, weights.dtype,
                f"per-channel weights need {units} scales along dimension 0, got "
                f"{len(wq.scales)} along dimension {wq.quantized_dimension}",
            )
        if any(z != 0 for z in wq.zero_points):
            raise UnsupportedTensorError(weights.name, weights.dtype, "per-channel weights must have zero points 0")


def macs(model: Model, op: Operator) -> int:
    out = slots.output_tensor(model, op)
    depth = slots.required_input(model, op, slots.FILTER).shape[1]
    return out.num_elements * depth


@dataclass(frozen=True)
class FcLayer:
    """A FULLY_CONNECTED as data: tensors, sizes and (int8) the folded quantization."""

    inp: Tensor
    weights: Tensor
    bias: Tensor | None
    out: Tensor
    units: int
    depth: int
    batches: int
    activation: str
    fq: FullyConnectedQuant | None  # int8 and 16x8 only
    acc32: bool = False  # 16x8: TFLM's 32-bit accumulator (int32 bias)


def _fc(model: Model, op: Operator) -> FcLayer:
    inp, weights, out = (slots.required_input(model, op, slots.INPUT), slots.required_input(model, op, slots.FILTER),
                         slots.output_tensor(model, op))
    units, depth = weights.shape
    activation = str(op.options.get("fused_activation_function", "NONE"))
    fq = None
    bias = slots.input_tensor(model, op, slots.BIAS)
    if inp.dtype in QUANTIZED:
        assert inp.quantization and weights.quantization and out.quantization
        fq = fully_connected_quant(inp.quantization, weights.quantization, out.quantization, activation, out.dtype)
    acc32 = inp.dtype == "int16" and conv_common.accumulates_32(op, bias)
    return FcLayer(inp, weights, bias, out, units, depth, out.num_elements // units, activation, fq, acc32)


def _constants(op: Operator, fc: FcLayer) -> tuple[Constant, ...]:
    """Weights and bias typed like the tensors, then per-channel multipliers and shifts."""
    where, prefix = f"Layer {op.index}: FULLY_CONNECTED", f"tb_l{op.index}"
    found = [conv_common.tensor_constant(f"{prefix}_weights", fc.weights, f"{where} weights", 16, 4)]
    if fc.bias is not None:
        found.append(conv_common.tensor_constant(f"{prefix}_bias", fc.bias, f"{where} bias", 8, 11))
    if fc.fq is not None and fc.fq.channel_multipliers is not None and fc.fq.channel_shifts is not None:
        found += conv_common.channel_quant_constants(where, prefix, fc.fq.channel_multipliers, fc.fq.channel_shifts)
    elif fc.fq is not None and fc.inp.dtype == "int16":
        # The 16x8 kernels take one pair per unit; a per-tensor filter repeats its one pair.
        found += conv_common.channel_quant_constants(where, prefix, (fc.fq.multiplier,) * fc.units,
                                                     (fc.fq.shift,) * fc.units)
    return tuple(found)


def _plan_reference(ctx: PlanContext, op: Operator) -> Planned:
    fc = _fc(ctx.model, op)
    return Planned(fc, _constants(op, fc))


def _fc_params(prefix: str, fq: FullyConnectedQuant, filter_offset: int) -> CStruct:
    return CStruct("tb_fc_params_t", f"{prefix}_params", (
        ("input_offset", str(fq.input_offset)),
        ("filter_offset", str(filter_offset)),
        ("output_offset", str(fq.output_offset)),
        ("activation", f"{{.min = {fq.activation_min}, .max = {fq.activation_max}}}"),
    ))


def _dims(prefix: str, fc: FcLayer, bias: bool) -> list[CStruct]:
    roles = (("input", fc.batches, fc.depth), ("filter", fc.units, fc.depth),
             *((("bias", 1, fc.units),) if bias else ()), ("output", fc.batches, fc.units))
    return conv_common.dims_structs(prefix, [(role, (n, 1, 1, c)) for role, n, c in roles])


def _emit_reference(ctx: EmitContext, plan: LayerPlan) -> Layer:
    """int8 (per-tensor or per-channel) or float32 (the fused activation as a float clamp)."""
    fc: FcLayer = plan.params
    prefix = plan.prefix
    if fc.fq is not None and fc.inp.dtype == "int16":
        filter_offset = 0 if fc.fq.channel_multipliers is not None else fc.fq.filter_offset
        structs = [_fc_params(prefix, fc.fq, filter_offset),
                   CStruct("tb_per_channel_quant_t", f"{prefix}_quant",
                           (("multiplier", f"{prefix}_multipliers"), ("shift", f"{prefix}_shifts")))]
        function = "tb_fully_connected_s16_acc32" if fc.acc32 else "tb_fully_connected_s16"
        quant_args: tuple[str, ...] = (f"&{prefix}_quant",)
    elif fc.fq is None:
        low, high = float_activation_range(fc.activation)
        structs = [CStruct("tb_fc_f32_params_t", f"{prefix}_params",
                           (("activation", f"{{.min = {c_float(low)}, .max = {c_float(high)}}}"),))]
        function, quant_args = "tb_fully_connected_f32", ()
    elif fc.fq.channel_multipliers is not None and fc.fq.channel_shifts is not None:
        structs = [_fc_params(prefix, fc.fq, fc.fq.filter_offset),
                   CStruct("tb_per_channel_quant_t", f"{prefix}_quant",
                           (("multiplier", f"{prefix}_multipliers"), ("shift", f"{prefix}_shifts")))]
        function, quant_args = "tb_fully_connected_per_channel_s8", (f"&{prefix}_quant",)
    else:
        structs = [_fc_params(prefix, fc.fq, fc.fq.filter_offset),
                   CStruct("tb_quant_t", f"{prefix}_quant",
                           (("multiplier", str(fc.fq.multiplier)), ("shift", str(fc.fq.shift))), compact=True)]
        function, quant_args = "tb_fully_connected_s8", (f"&{prefix}_quant",)
    structs += _dims(prefix, fc, bias=True)
    args = (
        f"&{prefix}_params", *quant_args,
        f"&{prefix}_input_dims", ctx.arena_pointer(fc.inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_weights",
        f"&{prefix}_bias_dims", conv_common.bias_arg(prefix, fc.bias),
        f"&{prefix}_output_dims", ctx.arena_pointer(fc.out.index, const=False),
    )
    return layer(plan, function, args, structs, HEADER)


def _dsp_applies(model: Model, op: Operator) -> bool:
    fc = _fc(model, op)
    return fc.inp.dtype == "int8" and fc.fq is not None and fc.fq.filter_offset == 0


@dataclass(frozen=True)
class DspFc:
    fc: FcLayer
    requant: conv_common.DspRequant


def _plan_dsp(ctx: PlanContext, op: Operator) -> Planned:
    """int16 weights in groups of 4 units, input offset folded into the bias, per-tensor
    multipliers repeated per unit so one kernel serves both quantizations."""
    fc = _fc(ctx.model, op)
    fq = fc.fq
    assert fq is not None and fc.weights.data is not None
    if fq.channel_multipliers is not None and fq.channel_shifts is not None:
        multipliers, shifts = tuple(fq.channel_multipliers), tuple(fq.channel_shifts)
    else:
        multipliers, shifts = (fq.multiplier,) * fc.units, (fq.shift,) * fc.units
    runs = np.asarray(fc.weights.data, dtype=np.int64).reshape(fc.units, 1, fc.depth)
    consts = conv_common.dsp_constants(runs, None if fc.bias is None else fc.bias.data, fq.input_offset, shifts,
                                       corrections=False)
    constants, requant = conv_common.dsp_plan(f"Layer {op.index}: FULLY_CONNECTED", f"tb_l{op.index}",
                                              conv_common.dsp_weights(runs), consts, multipliers, shifts,
                                              fq.output_offset)
    return Planned(DspFc(fc, requant), constants)


def _emit_dsp(ctx: EmitContext, plan: LayerPlan) -> Layer:
    p: DspFc = plan.params
    fc, prefix = p.fc, plan.prefix
    assert fc.fq is not None
    structs = [_fc_params(prefix, fc.fq, 0),
               CStruct("tb_dsp_requant_t", f"{prefix}_quant", conv_common.dsp_requant_fields(prefix, p.requant)),
               *_dims(prefix, fc, bias=False)]
    args = (
        f"&{prefix}_params", f"&{prefix}_quant",
        f"&{prefix}_input_dims", ctx.arena_pointer(fc.inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter_dsp",
        f"&{prefix}_output_dims", ctx.arena_pointer(fc.out.index, const=False),
    )
    return layer(plan, "tb_fully_connected_s8_dsp", args, structs, HEADER)


VARIANTS = (
    Variant("dsp", KernelSet.OPTIMIZED, _plan_dsp, _emit_dsp, applies=_dsp_applies, expands_weights=True),
    Variant("reference", KernelSet.REFERENCE, _plan_reference, _emit_reference),
)

HANDLERS = (
    OpHandler("FULLY_CONNECTED", check, VARIANTS, macs,
              "int8 (per-tensor or per-channel int8 weights, int32 bias), 16x8 (int16 activations, per-tensor or "
              "per-channel int8 weights, int64 or int32 bias), 8x4 (int8 activations, per-tensor int4 weights "
              "unpacked at generation as TFLM unpacks them), float32 (float32 weights and bias)",
              Operands(2, 3, optional=frozenset({slots.BIAS}), roles=("input", "weights", "bias")), max_version=14),
)
