"""DEPTHWISE_CONV_2D over one input channel, run as the CONV_2D it is.

With one input channel, output channel m of a depthwise convolution (depth multiplier M = the
output depth) is the sum over the window of input x filter[0, y, x, m]: exactly a CONV_2D whose
filter is [M, kh, kw, 1], with the same per-channel scales, bias, window and activation. So the
optimized CONV_2D kernels (im2col + GEMM, 4 filters at a time) run it, bit-exact with TFLM's
depthwise kernel, instead of the generic depthwise loop (one multiply per tap and channel).
Spectrogram front ends start this way (TFLM's micro_speech: 10x8 filter, M = 8). Small depth
multipliers or filters run faster on the depthwise kernels (see MIN_MULTIPLIER; M <= 3: the
few-channel one). No HANDLERS here: depthwise_conv2d.py lists the contiguous-rows variant first,
the im2col one after its pairs variant (multipliers of 4 up to 64 taps run that one instead).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from ..model import Model, Operator, Tensor
from ..options import KernelSet
from . import conv2d, slots
from .layer_plan import PlanContext, Planned, Variant


# The depthwise kernel's tap-offset paths beat the CONV_2D kernels on one input channel unless
# the depth multiplier is large and the filter too (the GEMM's 4 filters at a time pay off), or
# the filter has more taps than those paths take (depthwise_conv2d.MAX_OFFSET_TAPS). Measured
# with scripts/benchmark_layers.py --seed 7 (in 1x13x43x1 k7x4 m8: 0.44x TFLM as CONV_2D, 0.58x
# depthwise; k2x1 m8: 0.64x and 0.58x; m2 and m4: the depthwise kernel 1.3-2x faster).
MIN_MULTIPLIER = 8
MIN_TAPS = 9
MAX_DEPTHWISE_TAPS = 64  # depthwise_conv2d.MAX_OFFSET_TAPS (that module imports this one)


def _one_input_channel(model: Model, op: Operator) -> bool:
    inp = slots.required_input(model, op, slots.INPUT)
    if inp.dtype != "int8" or len(inp.shape) != 4 or inp.shape[3] != 1:
        return False
    _, k_h, k_w, out_c = slots.required_input(model, op, slots.FILTER).shape
    taps = k_h * k_w
    return (out_c >= MIN_MULTIPLIER and taps >= MIN_TAPS) or taps > MAX_DEPTHWISE_TAPS


def conv_view(model: Model, op: Operator) -> Model:
    """The model with this operator's filter laid out as a CONV_2D filter [M, kh, kw, 1]."""
    filt = slots.required_input(model, op, slots.FILTER)
    assert filt.data is not None and filt.quantization is not None
    data = np.ascontiguousarray(np.asarray(filt.data).transpose(3, 1, 2, 0))
    quantization = replace(filt.quantization, quantized_dimension=conv2d.FILTER_CHANNEL_DIM)
    as_conv: Tensor = replace(filt, shape=tuple(int(d) for d in data.shape), data=data, quantization=quantization)
    tensors = tuple(as_conv if t.index == filt.index else t for t in model.tensors)
    return replace(model, tensors=tensors)


def _form(model: Model, op: Operator) -> str:
    return conv2d.dsp_form(conv_view(model, op), op) if _one_input_channel(model, op) else ""


def _plan(ctx: PlanContext, op: Operator, contiguous: bool) -> Planned:
    return conv2d.plan_dsp(PlanContext(conv_view(ctx.model, op), ctx.plan), op, contiguous)


def _scratch(model: Model, op: Operator) -> tuple[int, ...]:
    return conv2d.scratch(conv_view(model, op), op)


VARIANTS = (
    Variant("dsp rows as conv (one input channel)", KernelSet.OPTIMIZED, lambda ctx, op: _plan(ctx, op, True),
            conv2d.emit_dsp, applies=lambda model, op: _form(model, op) == "rows", expands_weights=True),
    Variant("dsp general as conv (one input channel)", KernelSet.OPTIMIZED, lambda ctx, op: _plan(ctx, op, False),
            conv2d.emit_dsp, applies=lambda model, op: _form(model, op) == "general", scratch=_scratch,
            expands_weights=True),
)
