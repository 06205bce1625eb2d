"""FULLY_CONNECTED, int8 (per-tensor or per-channel weights, int32 bias) and float32, fused clamps."""
from __future__ import annotations

import numpy as np

from ..errors import MalformedModelError, UnsupportedOpError, UnsupportedTensorError
from ..model import Model, Operator, Tensor
from ..conv_quant import float_activation_range
from ..quantization import QuantParamError, fully_connected_quant
from . import checks, conv_common, slots
from .c_emit import CArray, CStruct, EmitContext, Layer, c_float, comment_text, dims_fields, float_rows, rows, shape_text
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

    checks.expect_dtype(op, inp, "input", ("int8", "float32"))
    if inp.dtype == "float32":
        checks.expect_dtype(op, out, "output", ("float32",))
        checks.expect_dtype(op, weights, "weights", ("float32",))
        if bias is not None:
            checks.expect_dtype(op, bias, "bias", ("float32",))
        checks.expect_not_constant(op, inp, "input")
    else:
        checks.expect_dtype(op, out, "output", ("int8",))
        checks.expect_dtype(op, weights, "weights", ("int8",))
        checks.expect_not_constant(op, inp, "input")
        checks.expect_per_tensor(op, inp, "input")
        checks.expect_per_tensor(op, out, "output")
        if bias is not None:
            checks.expect_dtype(op, bias, "bias", ("int32",))
    if not weights.is_constant:
        raise UnsupportedTensorError(weights.name, weights.dtype, f"FULLY_CONNECTED (operator #{op.index}) needs constant weights")
    if len(weights.shape) != 2:
        raise UnsupportedTensorError(
            weights.name, weights.dtype,
            f"FULLY_CONNECTED (operator #{op.index}) weights must be 2-D [units, depth], got {list(weights.shape)}",
        )
    units, depth = weights.shape
    if inp.dtype == "int8":
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
    if inp.dtype == "int8":
        _check_int8_rescaling(op, inp, weights, bias, out, str(activation))


BIAS_SCALE_TOLERANCE = 0.02  # TFLM: |input x filter scale - bias scale| / output scale <= 0.02


def _check_int8_rescaling(op: Operator, inp: Tensor, weights: Tensor, bias: Tensor | None, out: Tensor,
                          activation: str) -> None:
    """What TFLM's Prepare checks before it folds the scales: the bias scale agrees with input x
    weights scale, the activation range fits int32, and the multipliers fit the fixed point."""
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


def emit(ctx: EmitContext, op: Operator) -> Layer:
    inp, weights, out = ctx.input(op), ctx.input(op, slots.FILTER), ctx.output(op)
    bias = ctx.optional_input(op, slots.BIAS)
    if inp.dtype == "float32":
        return _emit_float(ctx, op)
    assert inp.quantization and weights.quantization and out.quantization and weights.data is not None
    units, depth = weights.shape
    batches = out.num_elements // units
    activation = op.options.get("fused_activation_function", "NONE")
    fq = fully_connected_quant(inp.quantization, weights.quantization, out.quantization, activation, out.dtype)
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: FULLY_CONNECTED"
    if ctx.optimized(op) and fq.filter_offset == 0:
        return _emit_dsp(ctx, op, fq)
    arrays = [
        CArray(f"{prefix}_weights", "int8_t", weights.num_elements, rows(weights.data, 16, 4),
               comment_text(f"{where} weights '{weights.name}' {shape_text(weights)}"))
    ]
    bias_arg = "NULL"
    if bias is not None:
        assert bias.data is not None
        arrays.append(CArray(f"{prefix}_bias", "int32_t", bias.num_elements, rows(bias.data, 8, 11),
                             comment_text(f"{where} bias '{bias.name}' {shape_text(bias)}")))
        bias_arg = f"{prefix}_bias"

    structs = [
        CStruct("tb_fc_params_t", f"{prefix}_params", (
            ("input_offset", str(fq.input_offset)),
            ("filter_offset", str(fq.filter_offset)),
            ("output_offset", str(fq.output_offset)),
            ("activation", f"{{.min = {fq.activation_min}, .max = {fq.activation_max}}}"),
        ))
    ]
    if fq.channel_multipliers is not None and fq.channel_shifts is not None:
        function = "tb_fully_connected_per_channel_s8"
        for name, values in (("multipliers", fq.channel_multipliers), ("shifts", fq.channel_shifts)):
            arrays.append(CArray(f"{prefix}_{name}", "int32_t", len(values),
                                 rows(np.asarray(values, dtype=np.int64), 8, 11), f"{where} per-channel output {name}"))
        structs.append(CStruct("tb_per_channel_quant_t", f"{prefix}_quant",
                               (("multiplier", f"{prefix}_multipliers"), ("shift", f"{prefix}_shifts"))))
    else:
        function = "tb_fully_connected_s8"
        structs.append(CStruct("tb_quant_t", f"{prefix}_quant",
                               (("multiplier", str(fq.multiplier)), ("shift", str(fq.shift))), compact=True))
    for role, n, c in (("input", batches, depth), ("filter", units, depth), ("bias", 1, units), ("output", batches, units)):
        structs.append(CStruct("tb_dims_t", f"{prefix}_{role}_dims", dims_fields(n, 1, 1, c), True))
    args = (
        f"&{prefix}_params", f"&{prefix}_quant",
        f"&{prefix}_input_dims", ctx.arena_pointer(inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_weights",
        f"&{prefix}_bias_dims", bias_arg,
        f"&{prefix}_output_dims", ctx.arena_pointer(out.index, const=False),
    )
    return Layer(op.index, op.name, op.index, function, args, tuple(structs), tuple(arrays), HEADER)


def _emit_dsp(ctx: EmitContext, op: Operator, fq) -> Layer:  # type: ignore[no-untyped-def]
    """Optimized int8: int16 weights in groups of 4 units, input offset folded into the bias,
    per-tensor multipliers repeated per unit so one kernel serves both quantizations."""
    inp, weights, out = ctx.input(op), ctx.input(op, slots.FILTER), ctx.output(op)
    bias = ctx.optional_input(op, slots.BIAS)
    assert weights.data is not None
    units, depth = weights.shape
    batches = out.num_elements // units
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: FULLY_CONNECTED"
    if fq.channel_multipliers is not None and fq.channel_shifts is not None:
        multipliers, shifts = tuple(fq.channel_multipliers), tuple(fq.channel_shifts)
    else:
        multipliers, shifts = (fq.multiplier,) * units, (fq.shift,) * units
    runs = np.asarray(weights.data, dtype=np.int64).reshape(units, 1, depth)
    consts = conv_common.dsp_constants(runs, None if bias is None else bias.data, fq.input_offset, shifts, corrections=False)
    arrays, requant = conv_common.dsp_arrays(where, prefix, conv_common.dsp_weights(runs), consts, multipliers, shifts,
                                             fq.output_offset)
    structs = [
        CStruct("tb_fc_params_t", f"{prefix}_params", (
            ("input_offset", str(fq.input_offset)),
            ("filter_offset", "0"),
            ("output_offset", str(fq.output_offset)),
            ("activation", f"{{.min = {fq.activation_min}, .max = {fq.activation_max}}}"),
        )),
        CStruct("tb_dsp_requant_t", f"{prefix}_quant", requant),
    ]
    for role, n, c in (("input", batches, depth), ("filter", units, depth), ("output", batches, units)):
        structs.append(CStruct("tb_dims_t", f"{prefix}_{role}_dims", dims_fields(n, 1, 1, c), True))
    args = (
        f"&{prefix}_params", f"&{prefix}_quant",
        f"&{prefix}_input_dims", ctx.arena_pointer(inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter_dsp",
        f"&{prefix}_output_dims", ctx.arena_pointer(out.index, const=False),
    )
    return Layer(op.index, op.name, op.index, "tb_fully_connected_s8_dsp", args, tuple(structs), tuple(arrays), HEADER)


def _emit_float(ctx: EmitContext, op: Operator) -> Layer:
    """float32: weights and bias as float arrays, the fused activation as a float clamp."""
    inp, weights, out = ctx.input(op), ctx.input(op, slots.FILTER), ctx.output(op)
    bias = ctx.optional_input(op, slots.BIAS)
    assert weights.data is not None
    units, depth = weights.shape
    batches = out.num_elements // units
    low, high = float_activation_range(op.options.get("fused_activation_function", "NONE"))
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: FULLY_CONNECTED"
    arrays = [
        CArray(f"{prefix}_weights", "float", weights.num_elements, float_rows(weights.data),
               comment_text(f"{where} weights '{weights.name}' {shape_text(weights)}"))
    ]
    bias_arg = "NULL"
    if bias is not None:
        assert bias.data is not None
        arrays.append(CArray(f"{prefix}_bias", "float", bias.num_elements, float_rows(bias.data),
                             comment_text(f"{where} bias '{bias.name}' {shape_text(bias)}")))
        bias_arg = f"{prefix}_bias"
    structs = [CStruct("tb_fc_f32_params_t", f"{prefix}_params",
                       (("activation", f"{{.min = {c_float(low)}, .max = {c_float(high)}}}"),))]
    for role, n, c in (("input", batches, depth), ("filter", units, depth), ("bias", 1, units), ("output", batches, units)):
        structs.append(CStruct("tb_dims_t", f"{prefix}_{role}_dims", dims_fields(n, 1, 1, c), True))
    args = (
        f"&{prefix}_params",
        f"&{prefix}_input_dims", ctx.arena_pointer(inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_weights",
        f"&{prefix}_bias_dims", bias_arg,
        f"&{prefix}_output_dims", ctx.arena_pointer(out.index, const=False),
    )
    return Layer(op.index, op.name, op.index, "tb_fully_connected_f32", args, tuple(structs), tuple(arrays), HEADER)


HANDLERS = (
    OpHandler("FULLY_CONNECTED", check, emit, macs,
              "int8 (per-tensor or per-channel int8 weights, int32 bias), float32 (float32 weights and bias)",
              Operands(2, 3, optional=frozenset({slots.BIAS}), roles=("input", "weights", "bias")), max_version=14),
)
