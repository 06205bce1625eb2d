"""TFLM's integer rescaling arithmetic, reproduced exactly in Python.

The generator uses these to fold multipliers, shifts, offsets and clamp ranges into
constants; the tests use `multiply_by_quantized_multiplier` as the golden model of
the C fixed-point helpers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .model import Quantization

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1

_QUANTIZED_RANGES: dict[str, tuple[int, int]] = {
    "int8": (-128, 127),
    "uint8": (0, 255),
    "int16": (-32768, 32767),
}


def round_half_away(value: float) -> int:
    """std::round: halves round away from zero."""
    magnitude = math.floor(abs(value) + 0.5)
    return int(magnitude) if value >= 0 else -int(magnitude)


def quantize_multiplier(real: float) -> tuple[int, int]:
    """Q31 multiplier and shift (> 0 shifts left) with real ~= multiplier * 2^(shift - 31)."""
    if real == 0.0:
        return 0, 0
    fraction, shift = math.frexp(real)
    fixed = round_half_away(fraction * 2.0**31)
    if fixed == 2**31:
        fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return fixed, shift


def saturating_rounding_doubling_high_mul(a: int, b: int) -> int:
    """High 32 bits of 2*a*b, rounded to nearest (negative ties toward zero)."""
    if a == INT32_MIN and b == INT32_MIN:
        return INT32_MAX
    product = a * b
    nudge = (1 << 30) if product >= 0 else 1 - (1 << 30)
    total = product + nudge
    # C++ division truncates toward zero.
    quotient = abs(total) >> 31
    return quotient if total >= 0 else -quotient


def rounding_divide_by_pot(x: int, exponent: int) -> int:
    """x / 2^exponent rounded to nearest, ties away from zero."""
    if not 0 <= exponent <= 31:
        raise ValueError(f"exponent {exponent} outside 0..31")
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def _wrap_int32(value: int) -> int:
    return ((value + 2**31) % 2**32) - 2**31


def multiply_by_quantized_multiplier(x: int, multiplier: int, shift: int) -> int:
    """TFLM's double-rounding MultiplyByQuantizedMultiplier for int32 x."""
    left_shift = max(shift, 0)
    right_shift = max(-shift, 0)
    shifted = _wrap_int32(x * (1 << left_shift))
    return rounding_divide_by_pot(
        saturating_rounding_doubling_high_mul(shifted, multiplier), right_shift
    )


class QuantParamError(ValueError):
    """A quantization parameter for which TFLM's Prepare fails (or would misbehave)."""


def quantized_range(dtype: str) -> tuple[int, int]:
    try:
        return _QUANTIZED_RANGES[dtype]
    except KeyError:
        raise ValueError(f"no quantized range for type {dtype}") from None


def calculate_activation_range_quantized(
    activation: str, scale: float, zero_point: int, dtype: str = "int8"
) -> tuple[int, int]:
    """Clamp range of a fused activation in the output's quantized domain.

    Follows TFLM: f / scale is divided in single precision and rounded half away
    from zero, then limited to the type's range.

    Raises:
        QuantParamError: a bound lands outside int32 (TFLM's Prepare refuses that).
    """
    qmin, qmax = quantized_range(dtype)
    scale32 = np.float32(scale)

    def quantize(real: float) -> int:
        with np.errstate(divide="ignore", over="ignore"):
            quotient = float(np.float32(real) / scale32)
        rounded = round_half_away(quotient) if math.isfinite(quotient) else quotient
        if not -(2.0**31) <= rounded <= 2.0**31:  # TFLM compares in float, so 2^31 itself passes
            raise QuantParamError(
                f"the {activation} bound {real} over output scale {scale} is {quotient:.6g}, outside int32"
            )
        return zero_point + int(rounded)

    if activation == "NONE":
        return qmin, qmax
    if activation == "RELU":
        return max(qmin, quantize(0.0)), qmax
    if activation == "RELU6":
        return max(qmin, quantize(0.0)), min(qmax, quantize(6.0))
    if activation == "RELU_N1_TO_1":
        return max(qmin, quantize(-1.0)), min(qmax, quantize(1.0))
    raise ValueError(f"fused activation {activation} has no quantized range")


@dataclass(frozen=True)
class FullyConnectedQuant:
    """Everything a quantized FULLY_CONNECTED needs besides its tensors."""

    input_offset: int  # -input zero point
    filter_offset: int  # -filter zero point
    output_offset: int  # output zero point
    activation_min: int
    activation_max: int
    multiplier: int  # per-tensor
    shift: int
    channel_multipliers: tuple[int, ...] | None  # per-channel, else None
    channel_shifts: tuple[int, ...] | None


def fully_connected_quant(
    input_q: Quantization,
    filter_q: Quantization,
    output_q: Quantization,
    activation: str,
    output_dtype: str = "int8",
) -> FullyConnectedQuant:
    """Fold FC rescaling: multipliers from double(in) * double(filter) / double(out)."""
    in_scale = input_q.scales[0]
    out_scale = output_q.scales[0]
    multiplier, shift = quantize_multiplier(in_scale * filter_q.scales[0] / out_scale)
    channel_multipliers: tuple[int, ...] | None = None
    channel_shifts: tuple[int, ...] | None = None
    if filter_q.per_channel:
        pairs = [quantize_multiplier(in_scale * s / out_scale) for s in filter_q.scales]
        channel_multipliers = tuple(m for m, _ in pairs)
        channel_shifts = tuple(s for _, s in pairs)
    act_min, act_max = calculate_activation_range_quantized(
        activation, out_scale, output_q.zero_points[0], output_dtype
    )
    return FullyConnectedQuant(
        input_offset=-input_q.zero_points[0],
        filter_offset=-filter_q.zero_points[0],
        output_offset=output_q.zero_points[0],
        activation_min=act_min,
        activation_max=act_max,
        multiplier=multiplier,
        shift=shift,
        channel_multipliers=channel_multipliers,
        channel_shifts=channel_shifts,
    )


def requantize_multiplier(input_scale: float, output_scale: float) -> tuple[int, int]:
    """QUANTIZE int8 -> int8: multiplier of double(in_scale) / double(out_scale)."""
    return quantize_multiplier(input_scale / output_scale)
