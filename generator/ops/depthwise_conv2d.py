"""DEPTHWISE_CONV_2D: int8 (per-channel or per-tensor int8 filter, int32 bias or none) and float32.

Any depth multiplier (output channel m + in_channel x depth_multiplier), paddings SAME/VALID,
strides, dilations, fused NONE/RELU/RELU6/RELU_N1_TO_1, as TFLM's reference kernels compute them.
"""
from __future__ import annotations

import numpy as np

from ..errors import MalformedModelError
from ..model import Model, Operator
from . import conv_common, dsp_requant, slots, window
from .c_emit import CArray, CStruct, EmitContext, Layer, dims_fields, rows
from .registry import OpHandler, Operands

HEADER = "depthwise_conv2d/tb_depthwise_conv2d.h"
DSP_HEADER = "depthwise_conv2d/tb_depthwise_conv2d_dsp.h"
FILTER_CHANNEL_DIM = 3  # filter [1, kh, kw, out_c], quantized along out_c


def check(model: Model, op: Operator) -> None:
    activation = window.check_activation(op)
    t = conv_common.check_tensors(model, op)
    _, _, _, in_c = t.inp.shape
    one, k_h, k_w, out_c = t.filt.shape
    if one != 1:
        raise MalformedModelError(
            f"operator #{op.index} DEPTHWISE_CONV_2D filter shape {list(t.filt.shape)} should be [1, kh, kw, channels]"
        )
    multiplier = int(op.options.get("depth_multiplier", 0))
    if multiplier < 1 or out_c != in_c * multiplier:
        raise MalformedModelError(
            f"operator #{op.index} DEPTHWISE_CONV_2D has {out_c} filter channels for {in_c} input channels "
            f"and depth multiplier {multiplier}; expected input channels x depth multiplier"
        )
    geometry = window.model_window(model, op, k_h, k_w)
    window.expect_output_shape(op, t.inp, t.out, geometry, out_c)
    conv_common.check_bias(op, t.bias, out_c)
    conv_common.check_quantization(op, t, out_c, FILTER_CHANNEL_DIM, activation)


def macs(model: Model, op: Operator) -> int:
    """Output elements x kernel height x kernel width: each output reads one input channel."""
    out = slots.output_tensor(model, op)
    _, k_h, k_w, _ = slots.required_input(model, op, slots.FILTER).shape
    return out.num_elements * k_h * k_w


def emit_optimized(ctx: EmitContext, op: Operator) -> Layer | None:
    """The DSP kernels (tb_depthwise_conv2d_3x3_s8_dsp or _s8_dsp), or None to keep the reference.

    Generation-time work: filter values doubled and reordered (groups of 4 channels as
    [c0, c2, c1, c3] per tap for depth multiplier 1), the input offset folded into the bias of
    interior outputs, per-channel requantization words, and the per-layer variant choice.
    """
    t = conv_common.emit_tensors(ctx, op)
    inp, filt, bias_t, out = t.inp, t.filt, t.bias, t.out
    if inp.dtype != "int8":
        return None
    activation = op.options.get("fused_activation_function", "NONE")
    _, k_h, k_w, out_c = filt.shape
    multiplier = int(op.options["depth_multiplier"])
    geometry = window.model_window(ctx.model, op, k_h, k_w)
    quant = conv_common.derive_quant(t, activation, out_c)
    assert filt.data is not None
    weights = np.asarray(filt.data, dtype=np.int64).reshape(k_h * k_w, out_c)  # [tap][channel]
    bias = (np.asarray(bias_t.data, dtype=np.int64).reshape(-1) if bias_t is not None and bias_t.data is not None
            else np.zeros(out_c, dtype=np.int64))
    tap_sums = weights.sum(axis=0)
    abs_sums = np.abs(weights).sum(axis=0)
    folded = bias + quant.input_offset * tap_sums
    bounds = np.maximum(np.abs(folded) + 128 * abs_sums, np.abs(bias) + 255 * abs_sums)
    words = dsp_requant.requant_words(quant.multipliers, quant.shifts, quant.output_offset,
                                      folded.tolist(), bias.tolist(), bounds.tolist())
    if words is None:
        return None
    doubled = 2 * weights
    if multiplier == 1:
        groups = -(-out_c // 4)
        padded = np.zeros((k_h * k_w, groups * 4), dtype=np.int64)
        padded[:, :out_c] = doubled
        # [group][tap][c0, c2, c1, c3]
        packed = padded.reshape(k_h * k_w, groups, 4)[:, :, [0, 2, 1, 3]].transpose(1, 0, 2)
        words = dsp_requant.pack_rows(words, 4)
    else:
        packed = doubled.T  # [out_channel][tap]
    fast = multiplier == 1 and (k_h, k_w) == (3, 3) and (geometry.dilation_h, geometry.dilation_w) == (1, 1)
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: {op.name}"
    flat = np.asarray(packed).reshape(-1)
    arrays = (
        CArray(f"{prefix}_filter_dsp", "int16_t", flat.size, rows(flat, 16, 5),
               f"{where} filter x2, {'[group of 4][tap][c0 c2 c1 c3]' if multiplier == 1 else '[channel][tap]'}"),
        CArray(f"{prefix}_requant", "int32_t", 6 * len(words), rows(np.asarray(words).reshape(-1), 6, 11),
               f"{where} per channel: bias x2 (offset folded), bias x2, multiplier, round, sign, shift"),
    )
    clamp = quant.activation_min > -128 or quant.activation_max < 127
    packed_table = "NULL"
    if fast and all(row[5] >= 1 for row in words[:out_c]):
        rows6 = np.asarray(words, dtype=np.int64)  # per channel, padded: bias2, raw bias2, m, round, sign, e
        table = conv_common.packed_requant(rows6[:, 0], rows6[:out_c, 2], rows6[:out_c, 3], rows6[:out_c, 5])
        arrays += (CArray(f"{prefix}_requant4", "int32_t", table.size, rows(table, 16, 11),
                          f"{where} per group of 4 channels: biases x2 (offset folded), multipliers, "
                          "SMMLAR addends, right shifts"),)
        packed_table = f"{prefix}_requant4"
    pad = "NULL"
    if fast:  # SAME padding, or VALID windows that overhang the input's last row/column
        zp = -quant.input_offset
        pad_values = np.full(-(-out_c // 4) * 4, zp, dtype=np.int64)
        arrays += (CArray(f"{prefix}_pad_pixel", "int8_t", pad_values.size, rows(pad_values, 16, 4),
                          f"{where} one padding pixel: the input zero point {zp} in every channel"),)
        pad = f"{prefix}_pad_pixel"
    structs = (
        CStruct("tb_depthwise_conv_dsp_params_t", f"{prefix}_params", (
            ("input_offset", str(quant.input_offset)),
            ("depth_multiplier", str(multiplier)),
            *window.window_fields(geometry),
            ("filter", window.tile(k_h, k_w)),
            conv_common.activation_field(quant),
            ("clamp", "1" if clamp else "0"),
            ("pad_pixel", pad),
            ("packed", packed_table),
        )),
        CStruct("tb_dims_t", f"{prefix}_input_dims", dims_fields(*inp.shape), True),
        CStruct("tb_dims_t", f"{prefix}_output_dims", dims_fields(*out.shape), True),
    )
    function = "tb_depthwise_conv2d_3x3_s8_dsp" if fast else "tb_depthwise_conv2d_s8_dsp"
    args = (
        f"&{prefix}_params", f"{prefix}_requant",
        f"&{prefix}_input_dims", ctx.arena_pointer(inp.index, const=True),
        f"{prefix}_filter_dsp",
        f"&{prefix}_output_dims", ctx.arena_pointer(out.index, const=False),
    )
    return Layer(op.index, op.name, op.index, function, args, structs, arrays, DSP_HEADER)


def emit(ctx: EmitContext, op: Operator) -> Layer:
    if ctx.optimized(op):
        layer = emit_optimized(ctx, op)
        if layer is not None:
            return layer
    t = conv_common.emit_tensors(ctx, op)
    inp, filt = t.inp, t.filt
    activation = op.options.get("fused_activation_function", "NONE")
    _, k_h, k_w, out_c = filt.shape
    multiplier = int(op.options["depth_multiplier"])
    geometry = window.model_window(ctx.model, op, k_h, k_w)
    prefix = f"tb_l{op.index}"
    arrays, bias_arg = conv_common.constant_arrays(ctx, op, t, prefix)
    structs: list[CStruct] = []
    if inp.dtype == "int8":
        quant = conv_common.derive_quant(t, activation, out_c)
        structs.append(CStruct("tb_depthwise_conv_params_t", f"{prefix}_params", (
            ("input_offset", str(quant.input_offset)),
            ("output_offset", str(quant.output_offset)),
            ("depth_multiplier", str(multiplier)),
            *window.window_fields(geometry),
            conv_common.activation_field(quant),
        )))
        quant_arrays, quant_struct = conv_common.quant_constants(op, quant, prefix)
        arrays += quant_arrays
        structs.append(quant_struct)
        function, quant_args = "tb_depthwise_conv2d_s8", (f"&{prefix}_quant",)
    else:
        structs.append(CStruct("tb_depthwise_conv_f32_params_t", f"{prefix}_params", (
            ("depth_multiplier", str(multiplier)),
            *window.window_fields(geometry),
            conv_common.float_activation_fields(activation),
        )))
        function, quant_args = "tb_depthwise_conv2d_f32", ()
    return conv_common.reference_layer(ctx, op, t, out_c, function, quant_args, bias_arg, structs, arrays, HEADER)


HANDLERS = (
    OpHandler(
        "DEPTHWISE_CONV_2D", check, emit, macs,
        "int8 (per-channel or per-tensor int8 filter, int32 bias), float32; any depth multiplier, "
        "SAME/VALID, strides, dilations",
        # No -1 bias: the pinned tflite-micro's Prepare frees the absent tensor and segfaults.
        Operands(2, 3, roles=("input", "filter", "bias"),
                 absent_note="the pinned tflite-micro crashes (segfault) on an absent depthwise bias"),
        max_version=6,
    ),
)
