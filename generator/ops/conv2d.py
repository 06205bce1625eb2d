"""CONV_2D: int8 (per-channel or per-tensor int8 filter, int32 bias or none) and float32.

Paddings SAME/VALID, any strides and dilations, fused NONE/RELU/RELU6/RELU_N1_TO_1, and grouped
convolution (filter depth dividing the input depth), as TFLM's reference kernels compute them.
"""
from __future__ import annotations

import numpy as np

from ..errors import MalformedModelError
from ..model import Model, Operator
from . import conv_common, slots, window
from .c_emit import CArray, CStruct, EmitContext, Layer, comment_text, dims_fields, rows
from .registry import OpHandler, Operands

HEADER = "conv2d/tb_conv2d.h"
FILTER_CHANNEL_DIM = 0  # filter [out_c, kh, kw, filter depth], quantized along out_c


def check(model: Model, op: Operator) -> None:
    activation = window.check_activation(op)
    t = conv_common.check_tensors(model, op)
    batches, _, _, in_c = t.inp.shape
    out_c, k_h, k_w, k_c = t.filt.shape
    geometry = window.model_window(model, op, k_h, k_w)
    if in_c % k_c != 0:
        raise window.unsupported(
            op, f"filter depth {k_c} with {in_c} input channels (the filter depth must divide the input depth)"
        )
    groups = in_c // k_c
    if out_c % groups != 0:
        raise MalformedModelError(
            f"operator #{op.index} CONV_2D has {out_c} filters for {groups} groups; "
            "the group count must divide the filter count"
        )
    window.expect_output_shape(op, t.inp, t.out, geometry, out_c)
    conv_common.check_bias(op, t.bias, out_c)
    conv_common.check_quantization(op, t, out_c, FILTER_CHANNEL_DIM, activation)


def macs(model: Model, op: Operator) -> int:
    """Output elements x kernel height x kernel width x filter depth (input channels / groups)."""
    out = slots.output_tensor(model, op)
    _, k_h, k_w, k_c = slots.required_input(model, op, slots.FILTER).shape
    return out.num_elements * k_h * k_w * k_c


def _dsp_variant(model: Model, op: Operator) -> str:
    """Optimized variant for an int8 CONV_2D: "rows" (GEMM over receptive fields that are
    contiguous in the input, 1x1 without padding included), "general" (im2col or direct), or ""
    (grouped convolution: the reference kernel)."""
    inp, filt = slots.required_input(model, op, slots.INPUT), slots.required_input(model, op, slots.FILTER)
    if inp.dtype != "int8":
        return ""
    _, k_h, k_w, k_c = filt.shape
    if k_c != inp.shape[3]:
        return ""
    geometry = window.model_window(model, op, k_h, k_w)
    if contiguous_fields(geometry, inp.shape[1], inp.shape[2], k_h, k_w):
        return "rows"
    return "general"


def contiguous_fields(geometry: window.Window, in_h: int, in_w: int, k_h: int, k_w: int) -> bool:
    """Whether every receptive field is one contiguous run of the NHWC input (no copy needed):
    no padding on either side, no dilation along a filter dimension above 1, and the filter as
    wide as the input or one row high (a 1x1 filter among them)."""
    g = geometry
    inside = ((g.out_h - 1) * g.stride_h + k_h <= in_h and (g.out_w - 1) * g.stride_w + k_w <= in_w)
    undilated = (g.dilation_h == 1 or k_h == 1) and (g.dilation_w == 1 or k_w == 1)
    plain = g.pad_h == 0 and g.pad_w == 0 and undilated and inside
    return plain and ((k_w == in_w and g.out_w == 1) or k_h == 1)


IM2COL_ROWS = 8  # receptive fields per GEMM call: spreads the call's set-up over 8 pixels
# Depths that are whole quads run direct or im2col: im2col saves the per-tap-row calls and
# requantizes in the hand-written GEMM, but copies the field. Measured on IC ResNet-8 (3x3):
# depth 16 and 32 gain 4-14% with im2col, depth 64 loses 7%.
IM2COL_MAX_QUAD_DEPTH = 32


def im2col_row_bytes(k_h: int, k_w: int, k_c: int) -> int:
    """One im2col row rounded up to whole quads: the kernel pads it, so the GEMM runs no partial
    quad (tb_conv2d_s8_dsp_row_bytes)."""
    return -(-(k_h * k_w * k_c) // 4) * 4


def scratch(model: Model, op: Operator, kernels: str) -> tuple[int, ...]:
    """im2col rows for the optimized general kernel, unless the depth is whole quads above
    IM2COL_MAX_QUAD_DEPTH (the direct form would pay a partial quad per tap on other depths):
    IM2COL_ROWS rows, else fewer, down to one; the planner grants the largest that does not grow
    the arena, or none."""
    if kernels != "optimized" or _dsp_variant(model, op) != "general":
        return ()
    _, k_h, k_w, k_c = slots.required_input(model, op, slots.FILTER).shape
    if k_c % 4 == 0 and k_c > IM2COL_MAX_QUAD_DEPTH:
        return ()
    row = im2col_row_bytes(k_h, k_w, k_c)
    pixels = int(np.prod(slots.output_tensor(model, op).shape[:3]))
    most = max(1, min(IM2COL_ROWS, pixels))
    return tuple(dict.fromkeys(n * row for n in (most, 4, 2, 1) if n <= most))


def im2col_rows(ctx: EmitContext, op: Operator) -> int:
    """The rows the granted scratch holds."""
    _, k_h, k_w, k_c = slots.required_input(ctx.model, op, slots.FILTER).shape
    return max(1, min(IM2COL_ROWS, ctx.plan.scratch_sizes[op.index] // im2col_row_bytes(k_h, k_w, k_c)))


def _emit_dsp(ctx: EmitContext, op: Operator, variant: str) -> Layer:
    """Optimized int8 CONV_2D: int16 weights in the kernel's layout, folded bias, SMLAD."""
    t = conv_common.emit_tensors(ctx, op)
    inp, filt, bias, out = t.inp, t.filt, t.bias, t.out
    activation = op.options.get("fused_activation_function", "NONE")
    out_c, k_h, k_w, k_c = filt.shape
    geometry = window.model_window(ctx.model, op, k_h, k_w)
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: {op.name}"
    quant = conv_common.derive_quant(t, activation, out_c)
    assert filt.data is not None
    w = np.asarray(filt.data, dtype=np.int64)
    scratch_offset = ctx.plan.scratch_offsets.get(op.index)
    direct = variant == "general" and scratch_offset is None
    # Reduction runs: one per tap (direct form) or the whole receptive field (rows, im2col).
    runs = w.reshape(out_c, k_h * k_w, k_c) if direct else w.reshape(out_c, 1, k_h * k_w * k_c)
    consts = conv_common.dsp_constants(
        runs, None if bias is None else bias.data, quant.input_offset, quant.shifts, corrections=direct
    )
    layout = conv_common.dsp_weights(runs)
    arrays, requant = conv_common.dsp_arrays(where, prefix, layout, consts, quant.multipliers, quant.shifts,
                                             quant.output_offset)
    structs: list[CStruct] = [CStruct("tb_conv_params_t", f"{prefix}_params", (
        ("input_offset", str(quant.input_offset)),
        ("output_offset", str(quant.output_offset)),
        *window.window_fields(geometry),
        conv_common.activation_field(quant),
    ))]
    if variant == "rows":
        function, lead = "tb_conv2d_rows_s8_dsp", ()
        structs.append(CStruct("tb_dsp_requant_t", f"{prefix}_quant", requant))
    else:
        function = "tb_conv2d_s8_dsp"
        lead = (("NULL", "0") if scratch_offset is None else
                (f"(int8_t *)&tb_arena[{scratch_offset}]", str(im2col_rows(ctx, op))))
        correction = "NULL"
        if consts.tap_correction is not None:
            arrays.append(CArray(f"{prefix}_tap_correction", "int32_t", consts.tap_correction.size,
                                 rows(consts.tap_correction, 8, 11),
                                 comment_text(f"{where} per tap and channel: -input offset x tap weight sum")))
            correction = f"{prefix}_tap_correction"
        structs.append(CStruct("tb_conv_dsp_quant_t", f"{prefix}_quant",
                               (("requant", conv_common.nested(requant)), ("tap_correction", correction))))
    for role, shape in (("input", inp.shape), ("filter", filt.shape), ("output", out.shape)):
        structs.append(CStruct("tb_dims_t", f"{prefix}_{role}_dims", dims_fields(*shape), True))
    args = (
        *lead, f"&{prefix}_params", f"&{prefix}_quant",
        f"&{prefix}_input_dims", ctx.arena_pointer(inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter_dsp",
        f"&{prefix}_output_dims", ctx.arena_pointer(out.index, const=False),
    )
    return Layer(op.index, op.name, op.index, function, args, tuple(structs), tuple(arrays), HEADER)


def emit(ctx: EmitContext, op: Operator) -> Layer:
    if ctx.optimized(op):
        variant = _dsp_variant(ctx.model, op)
        if variant:
            return _emit_dsp(ctx, op, variant)
    t = conv_common.emit_tensors(ctx, op)
    inp, filt = t.inp, t.filt
    activation = op.options.get("fused_activation_function", "NONE")
    out_c, k_h, k_w, k_c = filt.shape
    geometry = window.model_window(ctx.model, op, k_h, k_w)
    prefix = f"tb_l{op.index}"
    arrays, bias_arg = conv_common.constant_arrays(ctx, op, t, prefix)
    structs: list[CStruct] = []
    if inp.dtype == "int8":
        quant = conv_common.derive_quant(t, activation, out_c)
        structs.append(CStruct("tb_conv_params_t", f"{prefix}_params", (
            ("input_offset", str(quant.input_offset)),
            ("output_offset", str(quant.output_offset)),
            *window.window_fields(geometry),
            conv_common.activation_field(quant),
        )))
        quant_arrays, quant_struct = conv_common.quant_constants(op, quant, prefix)
        arrays += quant_arrays
        structs.append(quant_struct)
        function, quant_args = "tb_conv2d_s8", (f"&{prefix}_quant",)
    else:
        structs.append(CStruct("tb_conv_f32_params_t", f"{prefix}_params", (
            *window.window_fields(geometry),
            conv_common.float_activation_fields(activation),
        )))
        function, quant_args = "tb_conv2d_f32", ()
    return conv_common.reference_layer(ctx, op, t, out_c, function, quant_args, bias_arg, structs, arrays, HEADER)


HANDLERS = (
    OpHandler(
        "CONV_2D", check, emit, macs,
        "int8 (per-channel or per-tensor int8 filter, int32 bias), float32; SAME/VALID, strides, "
        "dilations, groups",
        # TFLM runs a CONV_2D without bias; TFLite's reference kernel refuses one (has_bias), so
        # the session then compares with TFLM only and says so in the report.
        Operands(2, 3, optional=frozenset({slots.BIAS}), roles=("input", "filter", "bias")),
        max_version=8,
        scratch=scratch,
    ),
)
