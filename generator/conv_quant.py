"""Rescaling constants of the quantized convolution family, derived as TFLM's Prepare does.

CONV_2D and DEPTHWISE_CONV_2D (TFLM's PopulateConvolutionQuantizationParams): for each output
channel, double(input_scale) * double(filter_scale[c]) / double(output_scale) goes through
QuantizeMultiplier; a per-tensor filter repeats its one scale for every channel. Pools keep the
input's quantization, so they only need the activation range. Float kernels need the float
activation range (TFLM's CalculateActivationRange).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .model import Quantization
from .quantization import calculate_activation_range_quantized, quantize_multiplier

FLOAT32_MAX = float(np.finfo(np.float32).max)

_FLOAT_ACTIVATION_RANGES: dict[str, tuple[float, float]] = {
    "NONE": (-FLOAT32_MAX, FLOAT32_MAX),
    "RELU": (0.0, FLOAT32_MAX),
    "RELU6": (0.0, 6.0),
    "RELU_N1_TO_1": (-1.0, 1.0),
}


@dataclass(frozen=True)
class ConvQuant:
    """Everything a quantized CONV_2D / DEPTHWISE_CONV_2D needs besides its tensors."""

    input_offset: int  # -input zero point
    output_offset: int  # output zero point
    activation_min: int
    activation_max: int
    multipliers: tuple[int, ...]  # one per output channel
    shifts: tuple[int, ...]  # > 0 shifts left


def per_channel_multipliers(
    input_scale: float, filter_scales: tuple[float, ...], output_scale: float, channels: int
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """One (multiplier, shift) per output channel; a single filter scale serves every channel."""
    if len(filter_scales) not in (1, channels):
        raise ValueError(f"{len(filter_scales)} filter scales for {channels} output channels")
    pairs = [
        quantize_multiplier(input_scale * filter_scales[c if len(filter_scales) > 1 else 0] / output_scale)
        for c in range(channels)
    ]
    return tuple(m for m, _ in pairs), tuple(s for _, s in pairs)


def conv_quant(
    input_q: Quantization,
    filter_q: Quantization,
    output_q: Quantization,
    activation: str,
    channels: int,
    output_dtype: str = "int8",
) -> ConvQuant:
    multipliers, shifts = per_channel_multipliers(
        input_q.scales[0], filter_q.scales, output_q.scales[0], channels
    )
    act_min, act_max = calculate_activation_range_quantized(
        activation, output_q.scales[0], output_q.zero_points[0], output_dtype
    )
    return ConvQuant(
        input_offset=-input_q.zero_points[0],
        output_offset=output_q.zero_points[0],
        activation_min=act_min,
        activation_max=act_max,
        multipliers=multipliers,
        shifts=shifts,
    )


def float_activation_range(activation: str) -> tuple[float, float]:
    """Clamp range of a fused activation on float32 outputs."""
    try:
        return _FLOAT_ACTIVATION_RANGES[activation]
    except KeyError:
        raise ValueError(f"fused activation {activation} has no float range") from None


def pool_scales_match(input_q: Quantization, output_q: Quantization) -> bool:
    """TFLM's int8 pools need |in_scale - out_scale| <= 1e-6 (in float32) and equal zero points."""
    diff = abs(np.float32(input_q.scales[0]) - np.float32(output_q.scales[0]))
    return float(diff) <= 1.0e-6 and input_q.zero_points[0] == output_q.zero_points[0]
