"""DEPTHWISE_CONV_2D: int8 (per-channel or per-tensor int8 filter, int32 bias or none), 16x8 (int16
activations, int8 filter, int64 bias or none) and float32.

Any depth multiplier (output channel m + in_channel x depth_multiplier), paddings SAME/VALID,
strides, dilations, fused NONE/RELU/RELU6/RELU_N1_TO_1, as TFLM's reference kernels compute them.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..errors import MalformedModelError, UnsupportedTensorError
from ..model import Model, Operator
from ..options import KernelSet
from . import conv_common, depthwise_as_conv, dsp_requant, slots, window
from .c_emit import CStruct, EmitContext, Layer, layer
from .layer_plan import LayerPlan, PlanContext, Planned, Variant, int_constant
from .registry import OpHandler, Operands

HEADER = "depthwise_conv2d/tb_depthwise_conv2d.h"
DSP_HEADER = "depthwise_conv2d/tb_depthwise_conv2d_dsp.h"
FILTER_CHANNEL_DIM = 3  # filter [1, kh, kw, out_c], quantized along out_c
MAX_OFFSET_TAPS = depthwise_as_conv.MAX_DEPTHWISE_TAPS  # TB_DW_MAX_TAPS of depthwise_conv2d_s8_dsp.c: filters up to this many taps run its tap-offset paths


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
    if t.inp.dtype == "int16" and t.bias is not None and t.bias.dtype != "int64":
        raise UnsupportedTensorError(
            t.bias.name, t.bias.dtype,
            f"DEPTHWISE_CONV_2D (operator #{op.index}) with int16 input needs an int64 bias: TFLM's 16x8 depthwise "
            f"kernel reads the bias as int64 whatever its type (an {t.bias.dtype} bias would be misread); "
            "re-export the model with 16x8 quantization's default int64 bias",
        )
    conv_common.check_quantization(op, t, out_c, FILTER_CHANNEL_DIM, activation, acc32_allowed=False)


def macs(model: Model, op: Operator) -> int:
    """Output elements x kernel height x kernel width: each output reads one input channel."""
    out = slots.output_tensor(model, op)
    _, k_h, k_w, _ = slots.required_input(model, op, slots.FILTER).shape
    return out.num_elements * k_h * k_w


def _single_tap_line(size: int, k: int, dilation: int, pad: int) -> int | None:
    """Along an axis where the input is one pixel and the filter longer: the one filter index
    whose tap lands on it (every other tap reads padding, which TFLM skips), or None."""
    if size != 1 or k == 1 or pad % dilation:
        return None
    index = pad // dilation
    return index if index < k else None


def reduced_view(model: Model, op: Operator) -> Model:
    """The model with a filter reduced to its rows (columns) that ever touch a one-row (one-column)
    input: the same outputs bit for bit, since the taps dropped only ever read padding; the
    reduced layer has no padding along that axis, so its pixels run the interior paths instead of
    the border ones. The model unchanged when no axis qualifies."""
    filt = slots.required_input(model, op, slots.FILTER)
    inp = slots.required_input(model, op, slots.INPUT)
    if filt.data is None or len(inp.shape) != 4:
        return model
    _, k_h, k_w, _ = filt.shape
    g = window.model_window(model, op, k_h, k_w)
    row = _single_tap_line(inp.shape[1], k_h, g.dilation_h, g.pad_h)
    col = _single_tap_line(inp.shape[2], k_w, g.dilation_w, g.pad_w)
    if row is None and col is None:
        return model
    data = np.asarray(filt.data)
    if row is not None:
        data = data[:, row:row + 1]
    if col is not None:
        data = data[:, :, col:col + 1]
    data = np.ascontiguousarray(data)
    reduced = replace(filt, shape=tuple(int(d) for d in data.shape), data=data)
    return replace(model, tensors=tuple(reduced if t.index == filt.index else t for t in model.tensors))


def _dsp_words(model: Model, op: Operator) -> list[list[int]] | None:
    """Per-channel requantization words of the DSP kernels, or None where the folded arithmetic
    would not be exact (then the reference kernel runs)."""
    inp = slots.required_input(model, op, slots.INPUT)
    if inp.dtype != "int8":
        return None
    return _dsp_quant(reduced_view(model, op), op)[1]


def _dsp_quant(model: Model, op: Operator) -> tuple[conv_common.ConvLayer, list[list[int]] | None]:
    conv = conv_common.plan_layer(model, op, slots.required_input(model, op, slots.FILTER).shape[3])
    t, quant = conv.t, conv.quant
    assert quant is not None and t.filt.data is not None
    _, k_h, k_w, out_c = t.filt.shape
    weights = np.asarray(t.filt.data, dtype=np.int64).reshape(k_h * k_w, out_c)  # [tap][channel]
    bias = (np.asarray(t.bias.data, dtype=np.int64).reshape(-1) if t.bias is not None and t.bias.data is not None
            else np.zeros(out_c, dtype=np.int64))
    abs_sums = np.abs(weights).sum(axis=0)
    folded = bias + quant.input_offset * weights.sum(axis=0)
    bounds = np.maximum(np.abs(folded) + 128 * abs_sums, np.abs(bias) + 255 * abs_sums)
    return conv, dsp_requant.requant_words(quant.multipliers, quant.shifts, quant.output_offset,
                                           folded.tolist(), bias.tolist(), bounds.tolist())


@dataclass(frozen=True)
class DspDepthwise:
    """The plan of tb_depthwise_conv2d_3x3_s8_dsp (`fast`) or tb_depthwise_conv2d_s8_dsp."""

    conv: conv_common.ConvLayer
    multiplier: int
    fast: bool
    clamp: bool
    packed: bool  # a per-group requantization table
    pad_pixel: bool
    pairs: bool = False  # tb_depthwise_conv2d_mult_s8_dsp (depth multiplier > 1, taps in pairs)


def _multiplier_layout(doubled: np.ndarray, multiplier: int) -> np.ndarray:
    """Depth multiplier > 1: per input channel, its outputs in blocks of 4 as [tap][4] (one input
    value feeds four accumulators), then a pair as [tap][2] if two or three are left, then the last
    one as [tap]. Output channel oc starts at oc x taps either way (tb_dw_multiplier in
    depthwise_conv2d_s8_dsp.c)."""
    taps, out_c = doubled.shape
    parts = []
    for first in range(0, out_c, multiplier):
        m = 0
        while m + 4 <= multiplier:
            parts.append(doubled[:, first + m:first + m + 4].reshape(-1))
            m += 4
        if m + 2 <= multiplier:
            parts.append(doubled[:, first + m:first + m + 2].reshape(-1))
            m += 2
        parts += [doubled[:, first + k] for k in range(m, multiplier)]
    return np.concatenate(parts).reshape(out_c, taps)


def _interior(out_n: int, stride: int, pad: int, in_n: int, span: int) -> int:
    """Outputs along one axis whose window lies inside the input."""
    return sum(1 for o in range(out_n) if 0 <= o * stride - pad and o * stride - pad + span < in_n)


def _fast_3x3_pays(geometry: window.Window, in_shape: tuple[int, ...]) -> bool:
    """The 3x3 variant's hand-written routine runs whole groups of 4 channels over a row's interior
    pixels; other channel counts, and layers without interior pixels (a one-row input), run faster
    on the general kernel's tap-offset paths (partial groups with exact-width loads, border pixels
    with only the taps inside). Measured: in 1x36x29x2 1.39x TFLM's cycles on the 3x3 variant, 0.53x
    on the general kernel; person_detect's depthwise layers 5.40M cycles all on the 3x3 variant,
    5.85M with those under half interior pixels on the general kernel."""
    _, in_h, in_w, in_c = in_shape
    g = geometry
    inner = (_interior(g.out_h, g.stride_h, g.pad_h, in_h, 2 * g.dilation_h)
             * _interior(g.out_w, g.stride_w, g.pad_w, in_w, 2 * g.dilation_w))
    return in_c % 4 == 0 and inner > 0


def _plan_dsp(ctx: PlanContext, op: Operator) -> Planned:
    """Generation-time work: filter values doubled and reordered (groups of 4 channels as
    [c0, c2, c1, c3] per tap for depth multiplier 1), the input offset folded into the bias of
    interior outputs, per-channel requantization words, and the per-layer kernel choice; over a
    one-row or one-column input, the filter reduced to the taps that touch it (reduced_view).
    """
    conv, words = _dsp_quant(reduced_view(ctx.model, op), op)
    quant = conv.quant
    assert words is not None and quant is not None and conv.t.filt.data is not None
    _, k_h, k_w, out_c = conv.t.filt.shape
    multiplier = int(op.options["depth_multiplier"])
    geometry = conv.geometry
    doubled = 2 * np.asarray(conv.t.filt.data, dtype=np.int64).reshape(k_h * k_w, out_c)
    if multiplier == 1:
        groups = -(-out_c // 4)
        padded = np.zeros((k_h * k_w, groups * 4), dtype=np.int64)
        padded[:, :out_c] = doubled
        # [group][tap][c0, c2, c1, c3]
        packed = padded.reshape(k_h * k_w, groups, 4)[:, :, [0, 2, 1, 3]].transpose(1, 0, 2)
        words = dsp_requant.pack_rows(words, 4)
    else:
        packed = _multiplier_layout(doubled, multiplier)
    fast = (multiplier == 1 and (k_h, k_w) == (3, 3) and (geometry.dilation_h, geometry.dilation_w) == (1, 1)
            and _fast_3x3_pays(geometry, conv.t.inp.shape))
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: {op.name}"
    constants = [
        int_constant(f"{prefix}_filter_dsp", "int16_t", packed,
                     f"{where} filter x2, {'[group of 4][tap][c0 c2 c1 c3]' if multiplier == 1 else 'per input channel [block of 4 outputs][tap][4], [pair][tap][2], [last][tap]'}",
                     16, 5),
        int_constant(f"{prefix}_requant", "int32_t", words,
                     f"{where} per channel: bias x2 (offset folded), bias x2, multiplier, round, sign, shift", 6, 11),
    ]
    clamp = quant.activation_min > -128 or quant.activation_max < 127
    # The general kernel's tap-offset paths (filters up to MAX_OFFSET_TAPS taps) requantize groups
    # of 4 outputs as one word: depth multiplier 1, or a multiple of 4 (blocks of 4 consecutive outputs).
    offsets = not fast and k_h * k_w <= MAX_OFFSET_TAPS
    table = (fast or (offsets and (multiplier == 1 or multiplier % 4 == 0))) and all(row[5] >= 1 for row in words[:out_c])
    if table:
        rows6 = np.asarray(words, dtype=np.int64)  # per channel, padded: bias2, raw bias2, m, round, sign, e
        constants.append(int_constant(
            f"{prefix}_requant4", "int32_t",
            conv_common.packed_requant(rows6[:, 0], rows6[:out_c, 2], rows6[:out_c, 3], rows6[:out_c, 5]),
            f"{where} per group of 4 channels: biases x2 (offset folded), multipliers, SMMLAR addends, right shifts",
            16, 11))
    pad_pixel = fast or offsets
    if pad_pixel:  # taps in the padding (SAME, or VALID windows that overhang the last row/column) read it
        zp = -quant.input_offset
        in_c = conv.t.inp.shape[3]
        constants.append(int_constant(f"{prefix}_pad_pixel", "int8_t", np.full(-(-in_c // 4) * 4, zp),
                                      f"{where} one padding pixel: the input zero point {zp} in every channel", 16, 4))
    return Planned(DspDepthwise(conv, multiplier, fast, clamp, table, pad_pixel), tuple(constants))


def _dsp_structs(prefix: str, conv: conv_common.ConvLayer, multiplier: int, clamp: bool, pad_pixel: str,
                 packed: str) -> tuple[CStruct, ...]:
    """The optimized kernels' tb_depthwise_conv_dsp_params_t and the input and output dims."""
    quant, t = conv.quant, conv.t
    assert quant is not None
    return (
        CStruct("tb_depthwise_conv_dsp_params_t", f"{prefix}_params", (
            ("input_offset", str(quant.input_offset)),
            ("depth_multiplier", str(multiplier)),
            *window.window_fields(conv.geometry),
            ("filter", window.tile(conv.geometry.filter_h, conv.geometry.filter_w)),
            conv_common.activation_field(quant),
            ("clamp", "1" if clamp else "0"),
            ("pad_pixel", pad_pixel),
            ("packed", packed),
        )),
        *conv_common.dims_structs(prefix, (("input", t.inp.shape), ("output", t.out.shape))),
    )


def _emit_dsp(ctx: EmitContext, plan: LayerPlan) -> Layer:
    p: DspDepthwise = plan.params
    t, quant, prefix = p.conv.t, p.conv.quant, plan.prefix
    assert quant is not None
    structs = _dsp_structs(prefix, p.conv, p.multiplier, p.clamp,
                           f"{prefix}_pad_pixel" if p.pad_pixel else "NULL",
                           f"{prefix}_requant4" if p.packed else "NULL")
    function = ("tb_depthwise_conv2d_mult_s8_dsp" if p.pairs else
                "tb_depthwise_conv2d_3x3_s8_dsp" if p.fast else "tb_depthwise_conv2d_s8_dsp")
    args = (
        f"&{prefix}_params", f"{prefix}_requant",
        f"&{prefix}_input_dims", ctx.arena_pointer(t.inp.index, const=True),
        f"{prefix}_filter_dsp",
        f"&{prefix}_output_dims", ctx.arena_pointer(t.out.index, const=False),
    )
    return layer(plan, function, args, structs, DSP_HEADER)


FEW_CHANNELS = 3  # tb_depthwise_conv2d_few_s8_dsp: input channels x depth multiplier up to this
FEW_INPUT_CHANNELS = 2  # and input channels up to this


def _few_applies(model: Model, op: Operator) -> bool:
    """At most FEW_CHANNELS output channels from at most FEW_INPUT_CHANNELS input channels, int8,
    with exact folded requantization. Three input channels stay on the general kernel, whose one
    word load per tap serves all three (measured: 1x49x17x3 k3x4 s2 0.23x TFLM there, 0.37x on
    one pass per channel)."""
    inp = slots.required_input(model, op, slots.INPUT)
    out_c = slots.required_input(model, op, slots.FILTER).shape[3]
    return (len(inp.shape) == 4 and inp.shape[3] <= FEW_INPUT_CHANNELS and out_c <= FEW_CHANNELS
            and _dsp_words(model, op) is not None)


@dataclass(frozen=True)
class DspFewDepthwise:
    """The plan of tb_depthwise_conv2d_few_s8_dsp."""

    conv: conv_common.ConvLayer
    multiplier: int
    clamp: bool


def few_prefix(filt: np.ndarray, input_offset: int) -> np.ndarray:
    """[channel][kh + 1][kw + 1]: 2 x input offset x the filter's sum over rows < ky and columns
    < kx, so a rectangle of taps sums to four entries (tb_depthwise_conv2d_few_s8_dsp's prefix)."""
    _, k_h, k_w, out_c = filt.shape
    w = np.asarray(filt, dtype=np.int64).reshape(k_h, k_w, out_c).transpose(2, 0, 1)
    prefix = np.zeros((out_c, k_h + 1, k_w + 1), dtype=np.int64)
    prefix[:, 1:, 1:] = w.cumsum(axis=1).cumsum(axis=2)
    return 2 * input_offset * prefix


def _plan_few(ctx: PlanContext, op: Operator) -> Planned:
    """Filter doubled as [channel][tap, padded to an even count], the per-channel requantization
    words and the prefix table of offset x filter sums (over a one-row or one-column input the
    filter reduced to the taps that touch it, reduced_view)."""
    conv, words = _dsp_quant(reduced_view(ctx.model, op), op)
    quant = conv.quant
    assert words is not None and quant is not None and conv.t.filt.data is not None
    filt = np.asarray(conv.t.filt.data, dtype=np.int64)
    _, k_h, k_w, out_c = filt.shape
    taps = k_h * k_w
    per_channel = taps + taps % 2
    packed = np.zeros((out_c, per_channel), dtype=np.int64)
    packed[:, :taps] = 2 * filt.reshape(taps, out_c).T
    prefix = few_prefix(filt, quant.input_offset)
    assert np.abs(prefix).max(initial=0) < 2**31  # implied by the accumulator bound of _dsp_quant
    where = f"Layer {op.index}: {op.name}"
    p = f"tb_l{op.index}"
    constants = (
        int_constant(f"{p}_filter_dsp", "int16_t", packed, f"{where} filter x2, [channel][{per_channel} taps]", 16, 5),
        int_constant(f"{p}_requant", "int32_t", words,
                     f"{where} per channel: bias x2 (offset folded), bias x2, multiplier, round, sign, shift", 6, 11),
        int_constant(f"{p}_prefix", "int32_t", prefix,
                     f"{where} [channel][ky][kx]: 2 x input offset x filter sum over rows < ky, columns < kx",
                     k_w + 1, 11),
    )
    clamp = quant.activation_min > -128 or quant.activation_max < 127
    return Planned(DspFewDepthwise(conv, int(op.options["depth_multiplier"]), clamp), constants)


def _emit_few(ctx: EmitContext, plan: LayerPlan) -> Layer:
    p: DspFewDepthwise = plan.params
    t, quant, prefix = p.conv.t, p.conv.quant, plan.prefix
    assert quant is not None
    structs = _dsp_structs(prefix, p.conv, p.multiplier, p.clamp, "NULL", "NULL")
    args = (
        f"&{prefix}_params", f"{prefix}_requant", f"{prefix}_prefix",
        f"&{prefix}_input_dims", ctx.arena_pointer(t.inp.index, const=True),
        f"{prefix}_filter_dsp",
        f"&{prefix}_output_dims", ctx.arena_pointer(t.out.index, const=False),
    )
    return layer(plan, "tb_depthwise_conv2d_few_s8_dsp", args, structs, DSP_HEADER)
# The pairs variant (depthwise_conv2d_mult_s8_dsp.c) ----------------------------------------------
# Depth multipliers above 1 with at least this many outputs per pixel (input channels x
# multiplier): fewer (one input channel, multiplier 2 or 3) keep the general kernel.
PAIRS_MIN_OUTPUTS = 4


def pair_groups(multiplier: int) -> list[int]:
    """The sizes of the groups the outputs of one input channel run in (tb_dwm_group): 4s, then
    2 or 3 for the rest; a rest of 1 (multiplier 5, 9...) runs as 3 + 2 instead of 4 + 1."""
    sizes, rest = [], multiplier
    while rest > 0:
        size = 3 if rest == 5 else min(rest, 4)
        sizes.append(size)
        rest -= size
    return sizes


def pairs_layout(doubled: np.ndarray, multiplier: int) -> np.ndarray:
    """Filter [tap][output channel] (doubled) as the pairs variant reads it: per input channel,
    per group of G outputs (pair_groups), per pair of taps (row-major; an odd count's last pair
    padded with 0), G pairs of int16 values, one per output of the group."""
    taps, out_c = doubled.shape
    pairs = -(-taps // 2)
    padded = np.zeros((2 * pairs, out_c), dtype=np.int64)
    padded[:taps] = doubled
    parts = []
    for first in range(0, out_c, multiplier):
        m = first
        for size in pair_groups(multiplier):
            parts.append(padded[:, m:m + size].reshape(pairs, 2, size).transpose(0, 2, 1).reshape(-1))
            m += size
    return np.concatenate(parts)


def _axis_inside(start: int, step: int, k: int, size: int) -> tuple[int, int]:
    """Filter indices along one axis whose taps land inside the input: [first, end)."""
    first = 0 if start >= 0 else min(k, (-start + step - 1) // step)
    end = min(k, (size - start + step - 1) // step) if size > start else 0
    return first, max(first, end)


def _pairs_pay(geometry: window.Window, in_shape: tuple[int, ...], k_h: int, k_w: int) -> bool:
    """Whether the pairs variant's work beats the general kernel's: a border pixel runs every
    pair from its first tap inside to its last (taps left and right of a narrow input included),
    where the general kernel runs only the taps inside once fewer than 3 in 4 are (its compact
    form). A pair costs the pairs variant about what 1.4 taps cost the general kernel (measured:
    1x38x2x24 k7x5 SAME m8, 2 of every 5 columns inside: 0.57x TFLM's cycles, 0.52x general)."""
    _, in_h, in_w, _ = in_shape
    g = geometry
    taps = k_h * k_w
    rows = [_axis_inside(o * g.stride_h - g.pad_h, g.dilation_h, k_h, in_h) for o in range(g.out_h)]
    cols = [_axis_inside(o * g.stride_w - g.pad_w, g.dilation_w, k_w, in_w) for o in range(g.out_w)]
    slots = general = 0
    for ky0, ky1 in rows:
        for kx0, kx1 in cols:
            inside = (ky1 - ky0) * (kx1 - kx0)
            if inside == taps:
                slots += 2 * (-(-taps // 2))
                general += taps
            elif inside:
                first, last = ky0 * k_w + kx0, (ky1 - 1) * k_w + kx1 - 1
                slots += 2 * ((last >> 1) + 1 - (first >> 1))
                general += taps if 4 * inside >= 3 * taps else inside
    return slots <= 1.4 * general


def _pairs_applies(model: Model, op: Operator) -> bool:
    """Multipliers of 4 with every right shift >= 1: the hand-scheduled groups of 4 outputs.
    (The kernel also runs groups of 3 and 2 in C, but those measured no faster than the general
    kernel's blocks: multiplier 2 in 1x1x48x64 k4x5 0.34x TFLM's cycles, 0.33x.)"""
    inp = slots.required_input(model, op, slots.INPUT)
    multiplier = int(op.options.get("depth_multiplier", 0))
    if (inp.dtype != "int8" or len(inp.shape) != 4 or multiplier < 2 or multiplier % 4
            or inp.shape[3] * multiplier < PAIRS_MIN_OUTPUTS):
        return False
    reduced = reduced_view(model, op)
    _, k_h, k_w, _ = slots.required_input(reduced, op, slots.FILTER).shape
    if k_h * k_w > MAX_OFFSET_TAPS:
        return False
    words = _dsp_words(model, op)
    return (words is not None and all(row[5] >= 1 for row in words)
            and _pairs_pay(window.model_window(reduced, op, k_h, k_w), tuple(inp.shape), k_h, k_w))


def _plan_pairs(ctx: PlanContext, op: Operator) -> Planned:
    """The pairs variant's constants: the filter doubled in pairs_layout, the requantization rows,
    the packed table of the groups of 4 outputs (every right shift >= 1), and the pad pixel."""
    conv, words = _dsp_quant(reduced_view(ctx.model, op), op)
    quant = conv.quant
    assert words is not None and quant is not None and conv.t.filt.data is not None
    _, k_h, k_w, out_c = conv.t.filt.shape
    multiplier = int(op.options["depth_multiplier"])
    doubled = 2 * np.asarray(conv.t.filt.data, dtype=np.int64).reshape(k_h * k_w, out_c)
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: {op.name}"
    constants = [
        int_constant(f"{prefix}_filter_dsp", "int16_t", pairs_layout(doubled, multiplier),
                     f"{where} filter x2, per input channel [group of 4/3/2 outputs][pair of taps][output][2 taps]",
                     16, 5),
        int_constant(f"{prefix}_requant", "int32_t", words,
                     f"{where} per channel: bias x2 (offset folded), bias x2, multiplier, round, sign, shift", 6, 11),
    ]
    fours = [first + start for first in range(0, out_c, multiplier)
             for start, size in zip(np.cumsum([0] + pair_groups(multiplier)[:-1]), pair_groups(multiplier)) if size == 4]
    channels = [c + k for c in fours for k in range(4)]
    table = bool(channels) and all(words[c][5] >= 1 for c in channels)
    if table:
        rows6 = np.asarray(words, dtype=np.int64)[channels]
        constants.append(int_constant(
            f"{prefix}_requant4", "int32_t",
            conv_common.packed_requant(rows6[:, 0], rows6[:, 2], rows6[:, 3], rows6[:, 5]),
            f"{where} per group of 4 outputs: biases x2 (offset folded), multipliers, SMMLAR addends, right shifts",
            16, 11))
    zp = -quant.input_offset
    in_c = conv.t.inp.shape[3]
    constants.append(int_constant(f"{prefix}_pad_pixel", "int8_t", np.full(-(-in_c // 4) * 4, zp),
                                  f"{where} one padding pixel: the input zero point {zp} in every channel", 16, 4))
    clamp = quant.activation_min > -128 or quant.activation_max < 127
    return Planned(DspDepthwise(conv, multiplier, False, clamp, table, True, pairs=True), tuple(constants))


def _plan_reference(ctx: PlanContext, op: Operator) -> Planned:
    return conv_common.plan_reference(ctx, op, ctx.input(op, slots.FILTER).shape[3], acc32_allowed=False)


def _emit_reference(ctx: EmitContext, plan: LayerPlan) -> Layer:
    multiplier = ("depth_multiplier", str(int(plan.op.options["depth_multiplier"])))
    return conv_common.emit_reference(ctx, plan, "tb_depthwise_conv2d", "tb_depthwise_conv", (multiplier,), HEADER)


VARIANTS = (
    # One input channel: contiguous receptive fields as CONV_2D rows (no copy) before the pairs
    # variant, which beats im2col + GEMM (in 1x20x11x1 k5x3 SAME m8: 0.57x TFLM's cycles, 0.70x
    # as CONV_2D; 1x13x43x1 k7x4 m8: 0.37x, 0.42x).
    depthwise_as_conv.VARIANTS[0],
    Variant("dsp pairs", KernelSet.OPTIMIZED, _plan_pairs, _emit_dsp, applies=_pairs_applies, expands_weights=True),
    *depthwise_as_conv.VARIANTS[1:],
    Variant("dsp few channels", KernelSet.OPTIMIZED, _plan_few, _emit_few, applies=_few_applies, expands_weights=True),
    Variant("dsp", KernelSet.OPTIMIZED, _plan_dsp, _emit_dsp, applies=lambda model, op: _dsp_words(model, op) is not None,
            expands_weights=True),
    Variant("reference", KernelSet.REFERENCE, _plan_reference, _emit_reference),
)

HANDLERS = (
    OpHandler(
        "DEPTHWISE_CONV_2D", check, VARIANTS, macs,
        "int8 (per-channel or per-tensor int8 filter, int32 bias), 16x8 (int16 activations, int8 filter, "
        "int64 bias), 8x4 (int8 activations, int4 filter unpacked at generation as TFLM unpacks it), float32; "
        "any depth multiplier, "
        "SAME/VALID, strides, dilations",
        # No -1 bias: the pinned tflite-micro's Prepare frees the absent tensor and segfaults.
        Operands(2, 3, roles=("input", "filter", "bias"),
                 absent_note="the pinned tflite-micro crashes (segfault) on an absent depthwise bias"),
        max_version=6,
    ),
)
