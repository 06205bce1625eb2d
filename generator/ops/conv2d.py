"""CONV_2D: int8 (per-channel or per-tensor int8 filter, int32 bias or none), 16x8 (int16
activations, int8 filter, int64 or int32 bias or none) and float32.

Paddings SAME/VALID, any strides and dilations, fused NONE/RELU/RELU6/RELU_N1_TO_1, and grouped
convolution (filter depth dividing the input depth), as TFLM's reference kernels compute them.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from ..errors import MalformedModelError
from ..model import Model, Operator
from ..options import KernelSet
from . import conv_common, fused_conv_pool, slots, window
from .c_emit import CStruct, EmitContext, Layer, comment_text, layer
from .layer_plan import LayerPlan, PlanContext, Planned, Variant, int_constant
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


def _dsp_form(model: Model, op: Operator) -> str:
    """Optimized form for an int8 CONV_2D: "rows" (GEMM over receptive fields that are contiguous
    in the input, 1x1 without padding included), "general" (im2col or direct), or "" (grouped
    convolution, float32: the reference kernel)."""
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


# Deep whole-quad layers run im2col (the 4-quad GEMM) when at most this fraction of their taps
# fall in the padding, which the direct form skips and im2col multiplies. Measured (seed-7 layer
# sweep): 1x14x26x64 k3x1 SAME (5% padded) 0.70x -> 0.64x of TFLM's est. cycles with im2col;
# 1x2x44x64 k2x4 d1x3 SAME 0.54x -> 0.65x and 1x15x24x64 k3x4 s2 SAME -> 7 (12% padded)
# 0.61x -> 0.68x, so those stay direct.
IM2COL_MAX_PADDED = 0.08
# ... unless the direct form's idle lanes cost more: it runs the filters 4 at a time, so a filter
# count of 4k+1 or 4k+2 leaves 3 or 2 of the last group's lanes multiplying zeros at every tap,
# while im2col's GEMM runs the leftover filters alone (blocked over several pixels). im2col when
# the idle lanes' fraction exceeds the padded taps' by this margin. Measured (seed-31337 layer
# sweep): 1x37x7x48 k5x5 SAME -> 5 (20% padded, 37.5% idle) direct 0.71x, im2col 0.62x of TFLM's
# est. cycles; 1x15x24x64 k3x4 s2 SAME -> 7 (12% padded, 12.5% idle) stays direct (above).
IM2COL_IDLE_MARGIN = 0.05
# A filter count of 4k+3 leaves one idle lane in the direct form's last group, while im2col runs
# its 3 leftover filters through tb_dsp_gemm_few (two lanes x two pixels, one lane x four: about
# 1.4x the 4-lane GEMM's cycles per MAC) after paying the copy: deep layers run direct whatever
# their padding. Measured (seed-31337 layer sweep, TFLM's est. cycles): 1x12x34x48 k3x2 SAME -> 3
# 0.62x -> 0.52x, 1x15x19x64 k3x1 s1x2 SAME -> 7 0.68x -> 0.65x. Shallower whole-quad depths
# (16-32) gain 0-2% direct without dilation and lose up to 25% with it (1x29x32x16 k6x2 d2 -> 7
# 0.60x im2col, 0.76x direct), so they keep im2col; but with exactly 3 filters, the whole layer
# being the tail, every whole-quad depth runs direct when its filter rows are contiguous (no
# dilation along the width): 1x13x36x32 k2x3 SAME -> 3 0.63x -> 0.52x, 1x45x16x32 k3x3 0.60x ->
# 0.51x, 1x49x11x12 k3x3 -20% est. cycles, 1x3x45x12 k7x4 SAME -7%; with filter rows of at least
# DIRECT_MIN_ROW bytes (1x44x17x4 k6x3 s2 d2x1, rows of 12 bytes: +11% direct).
DIRECT_MIN_ROW = 16
# With pixel pairs (below) im2col multiplies a padded tap for ~1.0 cycle per MAC where the direct
# form spends ~1.4 on a tap inside, so im2col stays ahead up to about a fifth of the taps padded.
# Estimated (seed-2027 layer sweep): 1x17x29x48 k3x5 s1x2 SAME -> 32 (9% padded) direct 0.67x.
IM2COL_PAIRS_MAX_PADDED = 0.18


def idle_lane_fraction(out_c: int) -> float:
    """The fraction of the direct form's filter lanes (groups of 4) that hold no filter."""
    groups4 = -(-out_c // 4) * 4
    return (groups4 - out_c) / groups4


def padded_tap_fraction(g: window.Window, in_h: int, in_w: int, k_h: int, k_w: int) -> float:
    """The fraction of all output pixels' filter taps that fall outside the input."""
    def inside(out: int, stride: int, pad: int, k: int, dilation: int, size: int) -> int:
        return sum(1 for o in range(out) for t in range(k) if 0 <= o * stride - pad + t * dilation < size)
    rows = inside(g.out_h, g.stride_h, g.pad_h, k_h, g.dilation_h, in_h)
    cols = inside(g.out_w, g.stride_w, g.pad_w, k_w, g.dilation_w, in_w)
    return 1.0 - rows * cols / max(1, g.out_h * k_h * g.out_w * k_w)


def im2col_row_bytes(k_h: int, k_w: int, k_c: int) -> int:
    """One im2col row rounded up to whole quads: the kernel pads it, so the GEMM runs no partial
    quad (tb_conv2d_s8_dsp_row_bytes)."""
    return -(-(k_h * k_w * k_c) // 4) * 4


# Pixel pairs (tb_conv2d_pairs_s8_dsp): the im2col form that widens two receptive fields to int16
# pairs and shares each weight word between them, 16 estimated cycles per 16 MACs where the
# one-row GEMM takes ~21, for one scratch of 4 x the field (what CMSIS-NN's two int16 columns
# take). Widening costs ~2 cycles per field byte and pixel against ~0.5 for the int8 im2col copy
# and nothing for the contiguous-field GEMM; a depth off whole quads is copied (bytes up to each
# run's first quad) and then widened in place, ~3-4 cycles. The filters repay it from (estimated,
# seed-2027 and 31337 layer sweeps): whole quads 8 filters (1x41x27x16 k6x4 d3x4 -> 8: 0.64x ->
# 0.59x of TFLM's est. cycles), 12 with contiguous fields; other depths 16 (1x21x20x17 k5x3 -> 8:
# 0.56x -> 0.62x, 1x37x8x3 k1x3 -> 12 contiguous: 0.52x -> 0.59x; 1x21x14x17 k1x3 -> 48: 0.64x ->
# 0.48x).
PAIRS_MIN_FILTERS = 8
PAIRS_MIN_FILTERS_CONTIGUOUS = 12
PAIRS_MIN_FILTERS_OFF_QUADS = 16
# ... and filter rows (k_w x depth bytes) of whole quads, which copy word by word, or of at least
# this many bytes, which repay the bytes copied one at a time up to their first quad
# (1x13x19x5 k7x3 -> 17, 15-byte rows: 0.56x -> 0.61x with pairs; spectrogram_cnn_int8's 49x40x1
# k10x8, 8-byte rows: the model 0.30x -> 0.29x).
PAIRS_MIN_RUN_OFF_QUADS = 32


def pairs_apply(model: Model, op: Operator) -> bool:
    """Whether an optimized int8 CONV_2D may run pixel pairs: one group, enough filters (above),
    and either a depth of whole quads or undilated filter rows of whole quads or long: a depth off
    whole quads is copied byte by byte up to each run's first quad, which short runs (one dilated
    tap of a few channels) cannot repay (1x36x26x5 k5x3 d1x3 -> 16: 0.62x -> 0.75x of TFLM's est.
    cycles)."""
    form = _dsp_form(model, op)
    out_c, k_h, k_w, k_c = slots.required_input(model, op, slots.FILTER).shape
    quads = k_c % 4 == 0
    if not quads:
        least = PAIRS_MIN_FILTERS_OFF_QUADS
    else:
        least = PAIRS_MIN_FILTERS_CONTIGUOUS if form == "rows" else PAIRS_MIN_FILTERS
    undilated = k_w == 1 or window.model_window(model, op, k_h, k_w).dilation_w == 1
    row = k_w * k_c
    runs = quads or (undilated and (row % 4 == 0 or row >= PAIRS_MIN_RUN_OFF_QUADS))
    return form != "" and out_c >= least and runs


def pairs_bytes(k_h: int, k_w: int, k_c: int) -> int:
    """tb_conv2d_pairs_s8_dsp_bytes: two receptive fields in whole quads as int16."""
    return 4 * im2col_row_bytes(k_h, k_w, k_c)


def rows_scratch(model: Model, op: Operator) -> tuple[int, ...]:
    """Contiguous fields: the pixel pairs' scratch when they apply (else the GEMM reads the input)."""
    if not pairs_apply(model, op):
        return ()
    _, k_h, k_w, k_c = slots.required_input(model, op, slots.FILTER).shape
    return (pairs_bytes(k_h, k_w, k_c),)


def scratch(model: Model, op: Operator) -> tuple[int, ...]:
    """im2col rows for the general kernel, unless the depth is whole quads above
    IM2COL_MAX_QUAD_DEPTH and either the filter count is 4k+3 below the pixel pairs' least (one
    idle direct-form lane: see above; also at any whole-quad depth for 3 filters with filter rows of DIRECT_MIN_ROW bytes or
    more and no dilation along the width) or there
    are 4 filters or more, more than IM2COL_MAX_PADDED of the taps are padding
    and the direct form's idle filter lanes (idle_lane_fraction) do not cost more (the direct
    form would pay a partial quad per tap on other depths, and 3 or 2 padded lanes of its one
    group for 1 or 2 filters, where the im2col rows let them run blocked over several pixels):
    IM2COL_ROWS rows, else fewer, down to one; the planner grants the largest that does not grow
    the arena, or none. Where pixel pairs apply (pairs_apply) their scratch comes first, and
    allows up to IM2COL_PAIRS_MAX_PADDED of the taps padded."""
    out_c, k_h, k_w, k_c = slots.required_input(model, op, slots.FILTER).shape
    deep = k_c % 4 == 0 and k_c > IM2COL_MAX_QUAD_DEPTH
    pairs = pairs_apply(model, op)
    if deep and out_c % 4 == 3 and not pairs:
        return ()
    if (k_c % 4 == 0 and out_c == 3 and k_w * k_c >= DIRECT_MIN_ROW
            and (k_w == 1 or window.model_window(model, op, k_h, k_w).dilation_w == 1)):
        return ()
    if deep and out_c >= 4:
        inp = slots.required_input(model, op, slots.INPUT)
        geometry = window.model_window(model, op, k_h, k_w)
        padded = padded_tap_fraction(geometry, inp.shape[1], inp.shape[2], k_h, k_w)
        if padded > IM2COL_MAX_PADDED and idle_lane_fraction(out_c) <= padded + IM2COL_IDLE_MARGIN:
            if pairs and padded <= IM2COL_PAIRS_MAX_PADDED:
                return (pairs_bytes(k_h, k_w, k_c),)  # pairs or direct: int8 rows would lose
            return ()
    row = im2col_row_bytes(k_h, k_w, k_c)
    pixels = int(np.prod(slots.output_tensor(model, op).shape[:3]))
    most = max(1, min(IM2COL_ROWS, pixels))
    if pairs:  # pairs first; int8 rows where the arena has less room
        return tuple(dict.fromkeys((pairs_bytes(k_h, k_w, k_c), *(n * row for n in (2, 1) if n <= most))))
    return tuple(dict.fromkeys(n * row for n in (most, 4, 2, 1) if n <= most))


@dataclass(frozen=True)
class DspConv:
    """The plan of an optimized int8 CONV_2D."""

    conv: conv_common.ConvLayer
    requant: conv_common.DspRequant
    contiguous: bool  # the "rows" kernel; else the general one
    im2col: tuple[int, int] | None  # general: granted scratch offset and rows; None: direct
    tap_correction: bool  # direct: per-tap padding corrections in flash
    pairs: bool = False  # im2col over pixel pairs (tb_conv2d_pairs_s8_dsp); im2col holds (offset, 2)


def _plan_dsp(ctx: PlanContext, op: Operator, contiguous: bool) -> Planned:
    """int16 weights in the kernel's layout, folded bias, SMLAD."""
    conv = conv_common.plan_layer(ctx.model, op, ctx.input(op, slots.FILTER).shape[0])
    t, quant = conv.t, conv.quant
    assert quant is not None and t.filt.data is not None
    out_c, k_h, k_w, k_c = t.filt.shape
    prefix = f"tb_l{op.index}"
    where = f"Layer {op.index}: {op.name}"
    w = np.asarray(t.filt.data, dtype=np.int64)
    scratch_offset = ctx.plan.scratch_offsets.get(op.index)
    im2col = None
    pairs = False
    if scratch_offset is not None:
        granted = ctx.plan.scratch_sizes[op.index]
        pairs = pairs_apply(ctx.model, op) and granted >= pairs_bytes(k_h, k_w, k_c)
        if pairs or not contiguous:
            rows = 2 if pairs else max(1, min(IM2COL_ROWS, granted // im2col_row_bytes(k_h, k_w, k_c)))
            im2col = (scratch_offset, rows)
            contiguous = False  # contiguous fields with pairs run the im2col kernel
    direct = not contiguous and im2col is None
    # Reduction runs: one per tap (direct form) or the whole receptive field (rows, im2col).
    runs = w.reshape(out_c, k_h * k_w, k_c) if direct else w.reshape(out_c, 1, k_h * k_w * k_c)
    consts = conv_common.dsp_constants(
        runs, None if t.bias is None else t.bias.data, quant.input_offset, quant.shifts, corrections=direct
    )
    constants, requant = conv_common.dsp_plan(where, prefix, conv_common.dsp_weights(runs), consts,
                                              quant.multipliers, quant.shifts, quant.output_offset)
    if consts.tap_correction is not None:
        constants += (int_constant(f"{prefix}_tap_correction", "int32_t", consts.tap_correction,
                                   comment_text(f"{where} per tap and channel: -input offset x tap weight sum"), 8, 11),)
    return Planned(DspConv(conv, requant, contiguous, im2col, consts.tap_correction is not None, pairs), constants)


def _emit_dsp(ctx: EmitContext, plan: LayerPlan) -> Layer:
    p: DspConv = plan.params
    t, quant, prefix = p.conv.t, p.conv.quant, plan.prefix
    assert quant is not None
    requant = conv_common.dsp_requant_fields(prefix, p.requant)
    structs: list[CStruct] = [CStruct("tb_conv_params_t", f"{prefix}_params", (
        ("input_offset", str(quant.input_offset)),
        ("output_offset", str(quant.output_offset)),
        *window.window_fields(p.conv.geometry),
        conv_common.activation_field(quant),
    ))]
    if p.contiguous:
        function, lead = "tb_conv2d_rows_s8_dsp", ()
        structs.append(CStruct("tb_dsp_requant_t", f"{prefix}_quant", requant))
    elif p.pairs:
        assert p.im2col is not None
        function, lead = "tb_conv2d_pairs_s8_dsp", (f"(uint32_t *)&tb_arena[{p.im2col[0]}]",)
    else:
        function = "tb_conv2d_s8_dsp"
        lead = ("NULL", "0") if p.im2col is None else (f"(int8_t *)&tb_arena[{p.im2col[0]}]", str(p.im2col[1]))
    if not p.contiguous:
        correction = f"{prefix}_tap_correction" if p.tap_correction else "NULL"
        structs.append(CStruct("tb_conv_dsp_quant_t", f"{prefix}_quant",
                               (("requant", conv_common.nested(requant)), ("tap_correction", correction))))
    structs += conv_common.dims_structs(prefix, (("input", t.inp.shape), ("filter", t.filt.shape),
                                                  ("output", t.out.shape)))
    args = (
        *lead, f"&{prefix}_params", f"&{prefix}_quant",
        f"&{prefix}_input_dims", ctx.arena_pointer(t.inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter_dsp",
        f"&{prefix}_output_dims", ctx.arena_pointer(t.out.index, const=False),
    )
    return layer(plan, function, args, structs, HEADER)


DSP_S16_MAX_DEPTH = 510  # tb_conv2d_s16_dsp: a tap's 32-bit SMLAD sum stays exact up to this depth


def _dsp_s16_applies(model: Model, op: Operator) -> bool:
    """The optimized 16x8 kernel: one group, input depth up to DSP_S16_MAX_DEPTH."""
    inp, filt = slots.required_input(model, op, slots.INPUT), slots.required_input(model, op, slots.FILTER)
    return inp.dtype == "int16" and filt.shape[3] == inp.shape[3] <= DSP_S16_MAX_DEPTH


def dsp_s16_weights(weights: np.ndarray) -> np.ndarray:
    """tb_conv2d_s16_dsp's layout of a [out_c, kh, kw, depth] int8 filter, as int16: per group of
    4 output channels (zero channels pad the last group), per tap, per pair of input channels the
    4 channels' pairs, then for an odd depth the 4 channels' last weights."""
    w = np.asarray(weights, dtype=np.int16)
    out_c, k_h, k_w, depth = w.shape
    c4 = -(-out_c // 4) * 4
    padded = np.zeros((c4, k_h * k_w, depth), dtype=np.int16)
    padded[:out_c] = w.reshape(out_c, k_h * k_w, depth)
    groups = padded.reshape(c4 // 4, 4, k_h * k_w, depth).transpose(0, 2, 1, 3)  # [g][tap][4][depth]
    pairs = depth // 2
    body = groups[..., : 2 * pairs].reshape(c4 // 4, k_h * k_w, 4, pairs, 2).transpose(0, 1, 3, 2, 4)
    parts = [body.reshape(c4 // 4, k_h * k_w, -1)]
    if depth % 2:
        parts.append(groups[..., depth - 1])
    return np.concatenate(parts, axis=2).reshape(-1)


@dataclass(frozen=True)
class DspS16Conv:
    conv: conv_common.ConvLayer
    bias: bool
    narrow: bool  # the receptive field's sum is exact in 32 bits (or only its low 32 bits count)


S16_INPUT_BOUND = 32768  # |int16 input| <= 2^15


def narrow_s16(weights: np.ndarray, acc32: bool) -> bool:
    """Whether tb_conv2d_s16_dsp may sum a whole receptive field in 32 bits: always with TFLM's
    32-bit accumulator (it wraps the same way), else when 2^15 x sum |w| < 2^31 for every channel."""
    w = np.abs(np.asarray(weights, dtype=np.int64)).reshape(weights.shape[0], -1)
    return acc32 or bool(np.all(S16_INPUT_BOUND * w.sum(axis=1) < 2**31))


def _plan_dsp_s16(ctx: PlanContext, op: Operator) -> Planned:
    """int16 weights in pairs for SMLAD; the bias widened to int64 (an int32 bias keeps its value:
    with TFLM's 32-bit accumulator only the sum's low 32 bits count)."""
    conv = conv_common.plan_layer(ctx.model, op, ctx.input(op, slots.FILTER).shape[0])
    t, quant = conv.t, conv.quant
    assert quant is not None and t.filt.data is not None
    prefix, where = f"tb_l{op.index}", f"Layer {op.index}: {op.name}"
    constants = [int_constant(f"{prefix}_filter_dsp", "int16_t", dsp_s16_weights(t.filt.data),
                              comment_text(f"{where} weights as int16: per group of 4 channels and tap, channel pairs"),
                              16, 4)]
    if t.bias is not None:
        assert t.bias.data is not None
        constants.append(int_constant(f"{prefix}_bias", "int64_t", np.asarray(t.bias.data, dtype=np.int64),
                                      comment_text(f"{where} bias '{t.bias.name}' as int64"), 8, 11))
    constants += conv_common.quant_constants(op, quant)
    return Planned(DspS16Conv(conv, t.bias is not None, narrow_s16(t.filt.data, conv.acc32)), tuple(constants))


def _emit_dsp_s16(ctx: EmitContext, plan: LayerPlan) -> Layer:
    p: DspS16Conv = plan.params
    t, quant, prefix = p.conv.t, p.conv.quant, plan.prefix
    assert quant is not None
    structs = [
        CStruct("tb_conv_s16_dsp_params_t", f"{prefix}_params", (
            *window.window_fields(p.conv.geometry),
            conv_common.activation_field(quant),
            ("acc32", "1" if p.conv.acc32 else "0"),
            ("narrow", "1" if p.narrow else "0"),
        )),
        CStruct("tb_per_channel_quant_t", f"{prefix}_quant",
                (("multiplier", f"{prefix}_multipliers"), ("shift", f"{prefix}_shifts"))),
        *conv_common.dims_structs(prefix, (("input", t.inp.shape), ("filter", t.filt.shape), ("output", t.out.shape))),
    ]
    args = (
        f"&{prefix}_params", f"&{prefix}_quant", f"{prefix}_bias" if p.bias else "NULL",
        f"&{prefix}_input_dims", ctx.arena_pointer(t.inp.index, const=True),
        f"&{prefix}_filter_dims", f"{prefix}_filter_dsp",
        f"&{prefix}_output_dims", ctx.arena_pointer(t.out.index, const=False),
    )
    return layer(plan, "tb_conv2d_s16_dsp", args, structs, HEADER)


def _plan_reference(ctx: PlanContext, op: Operator) -> Planned:
    return conv_common.plan_reference(ctx, op, ctx.input(op, slots.FILTER).shape[0])


def _emit_reference(ctx: EmitContext, plan: LayerPlan) -> Layer:
    return conv_common.emit_reference(ctx, plan, "tb_conv2d", "tb_conv", (), HEADER)


VARIANTS = (
    fused_conv_pool.FUSED_CONV,
    Variant("dsp rows", KernelSet.OPTIMIZED, partial(_plan_dsp, contiguous=True), _emit_dsp,
            applies=lambda model, op: _dsp_form(model, op) == "rows", scratch=rows_scratch, expands_weights=True),
    Variant("dsp general", KernelSet.OPTIMIZED, partial(_plan_dsp, contiguous=False), _emit_dsp,
            applies=lambda model, op: _dsp_form(model, op) == "general", scratch=scratch, expands_weights=True),
    Variant("dsp s16", KernelSet.OPTIMIZED, _plan_dsp_s16, _emit_dsp_s16, applies=_dsp_s16_applies,
            expands_weights=True),
    Variant("reference", KernelSet.REFERENCE, _plan_reference, _emit_reference),
)

# A one-input-channel DEPTHWISE_CONV_2D is this convolution (depthwise_as_conv.py).
dsp_form, plan_dsp, emit_dsp = _dsp_form, _plan_dsp, _emit_dsp

HANDLERS = (
    OpHandler(
        "CONV_2D", check, VARIANTS, macs,
        "int8 (per-channel or per-tensor int8 filter, int32 bias), 16x8 (int16 activations, int8 filter, "
        "int64 or int32 bias), 8x4 (int8 activations, int4 filter unpacked at generation as TFLM unpacks it), "
        "float32; SAME/VALID, strides, "
        "dilations, groups",
        # TFLM runs a CONV_2D without bias; TFLite's reference kernel refuses one (has_bias), so
        # the session then compares with TFLM only and says so in the report.
        Operands(2, 3, optional=frozenset({slots.BIAS}), roles=("input", "filter", "bias")),
        max_version=8,
    ),
)
