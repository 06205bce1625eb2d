"""Quantization constants of TFLM's int8 and int16 elementwise, activation, softmax and reduce kernels.

Each function mirrors what the matching TFLM kernel computes in its Prepare step, including
where TFLM divides in single precision (float32) and where in double. Everything here is
plain data; the op modules in ops/ turn it into C initialisers.

Facts taken from tflite-micro (tensorflow/lite/micro/kernels/*_common.cc and
tensorflow/lite/kernels/internal/quantization_util.cc); the code is ours.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .quantization import (  # noqa: F401  (QuantParamError is re-exported for the op modules)
    QuantParamError,
    calculate_activation_range_quantized,
    quantize_multiplier,
    round_half_away,
)

INT32_MAX = 2**31 - 1
INT32_MIN = -(2**31)


def _f32(value: float) -> np.float32:
    return np.float32(value)


def quantize_multiplier_smaller_than_one_exp(real: float) -> tuple[int, int]:
    """TFLM's QuantizeMultiplierSmallerThanOneExp: needs 0 < real < 1; shift <= 0."""
    if not (0.0 < real < 1.0):
        raise QuantParamError(f"multiplier {real!r} must lie strictly between 0 and 1")
    multiplier, shift = quantize_multiplier(real)
    if shift > 0:  # cannot happen for real < 1, kept as TFLM's CHECK
        raise QuantParamError(f"multiplier {real!r} gives a positive shift {shift}")
    return multiplier, shift


def quantize_multiplier_greater_than_one(real: float) -> tuple[int, int]:
    """TFLM's QuantizeMultiplierGreaterThanOne: needs real > 1; shift >= 0."""
    if not real > 1.0:
        raise QuantParamError(f"multiplier {real!r} must be greater than 1")
    multiplier, shift = quantize_multiplier(real)
    if shift < 0:
        raise QuantParamError(f"multiplier {real!r} gives a negative shift {shift}")
    return multiplier, shift


# ---------------------------------------------------------------- ADD / SUB / MUL


ADD_SUB_LEFT_SHIFT = {"int8": 20, "int16": 15}  # TFLM's CalculateOpDataAdd / CalculateOpDataSub


@dataclass(frozen=True)
class AddSubQuant:
    """ADD and SUB (int8, int16): inputs rescaled to a common scale after a left shift of 20
    (int8) or 15 (int16). TFLM's micro kernels take this general path for int16 too, whatever
    the model's pot_scale_int16 option says (they never call the power-of-two int16 kernel)."""

    input1_offset: int  # -zero point
    input2_offset: int
    output_offset: int  # +zero point
    left_shift: int
    input1_multiplier: int
    input1_shift: int
    input2_multiplier: int
    input2_shift: int
    output_multiplier: int
    output_shift: int
    activation_min: int
    activation_max: int


def add_sub_quant(
    op_name: str,
    scale1: float, zp1: int,
    scale2: float, zp2: int,
    out_scale: float, out_zp: int,
    activation: str,
    dtype: str = "int8",
) -> AddSubQuant:
    """ADD and SUB compute the scale ratios in double from the float scales.

    TFLM's SUB source at the pinned commit divides in float and then widens, but the pinned
    tflite-micro package computes SUB as ADD does (in double): measured on int8 and int16 cases
    where the two differ (tests/generator/ops/test_elementwise_quant.py keeps them) and on the
    SEANet SUB models.

    Raises:
        QuantParamError: a ratio TFLM's QuantizeMultiplierSmallerThanOneExp refuses (an output
            scale below twice the larger input scale / 2^left_shift), or an activation bound
            outside int32.
    """
    if op_name not in ("ADD", "SUB"):
        raise ValueError(f"add_sub_quant handles ADD and SUB, not {op_name}")
    try:
        left_shift = ADD_SUB_LEFT_SHIFT[dtype]
    except KeyError:
        raise ValueError(f"add_sub_quant handles int8 and int16, not {dtype}") from None
    twice_max = 2.0 * float(max(_f32(scale1), _f32(scale2)))
    real1 = float(_f32(scale1)) / twice_max
    real2 = float(_f32(scale2)) / twice_max
    real_out = twice_max / ((1 << left_shift) * float(_f32(out_scale)))
    m1, s1 = quantize_multiplier_smaller_than_one_exp(real1)
    m2, s2 = quantize_multiplier_smaller_than_one_exp(real2)
    mo, so = quantize_multiplier_smaller_than_one_exp(real_out)
    act_min, act_max = calculate_activation_range_quantized(activation, out_scale, out_zp, dtype)
    return AddSubQuant(-zp1, -zp2, out_zp, left_shift, m1, s1, m2, s2, mo, so, act_min, act_max)


@dataclass(frozen=True)
class MulQuant:
    input1_offset: int
    input2_offset: int
    output_offset: int
    multiplier: int
    shift: int
    activation_min: int
    activation_max: int


def mul_quant(scale1: float, zp1: int, scale2: float, zp2: int, out_scale: float, out_zp: int,
              activation: str, dtype: str = "int8") -> MulQuant:
    """MUL (int8, int16): one multiplier of double(s1) * double(s2) / double(s_out).

    Raises:
        QuantParamError: an int16 zero point other than 0 (TFLM's Prepare refuses it), or an
            activation bound outside int32.
    """
    if dtype == "int16" and (zp1, zp2, out_zp) != (0, 0, 0):
        raise QuantParamError(f"int16 zero points {zp1}, {zp2}, {out_zp} must all be 0")
    real = float(_f32(scale1)) * float(_f32(scale2)) / float(_f32(out_scale))
    multiplier, shift = quantize_multiplier(real)
    act_min, act_max = calculate_activation_range_quantized(activation, out_scale, out_zp, dtype)
    return MulQuant(-zp1, -zp2, out_zp, multiplier, shift, act_min, act_max)



def int32_activation_range(op_name: str, activation: str) -> tuple[int, int]:
    """The clamp of TFLM's unquantized int32 ADD, SUB and MUL.

    SUB and MUL use CalculateActivationRange<int32_t> (RELU 0..INT32_MAX, RELU6 0..6,
    RELU_N1_TO_1 -1..1); ADD sets the whole int32 range, ignoring the fused activation.
    """
    if op_name == "ADD" or activation == "NONE":
        return INT32_MIN, INT32_MAX
    ranges = {"RELU": (0, INT32_MAX), "RELU6": (0, 6), "RELU_N1_TO_1": (-1, 1)}
    try:
        return ranges[activation]
    except KeyError:
        raise ValueError(f"fused activation {activation} has no int32 range") from None


# ---------------------------------------------------------------- QUANTIZE (requantization)


@dataclass(frozen=True)
class RequantizeQuant:
    """QUANTIZE between integer types: (x - in_zp) * multiplier * 2^(shift - 31) + out_zp."""

    input_offset: int  # -input zero point
    output_offset: int  # output zero point
    multiplier: int
    shift: int


def requantize_quant(input_scale: float, input_zp: int, output_scale: float, output_zp: int) -> RequantizeQuant:
    """PrepareQuantizeReference: QuantizeMultiplier(double(s_in) / double(s_out)).

    Raises:
        QuantParamError: a ratio needing a shift outside -31..31 (a left shift of 32 or more is
            undefined in TFLM's MultiplyByQuantizedMultiplier).
    """
    multiplier, shift = quantize_multiplier(float(_f32(input_scale)) / float(_f32(output_scale)))
    if not -31 <= shift <= 31:
        raise QuantParamError(
            f"scale ratio {input_scale!r} / {output_scale!r} needs shift {shift}, outside -31..31"
        )
    return RequantizeQuant(-input_zp, output_zp, multiplier, shift)


def float_activation_range(activation: str) -> tuple[float, float]:
    """CalculateActivationRange<float>: NONE clamps to the finite float range."""
    big = float(np.finfo(np.float32).max)
    ranges = {"NONE": (-big, big), "RELU": (0.0, big), "RELU6": (0.0, 6.0), "RELU_N1_TO_1": (-1.0, 1.0)}
    try:
        return ranges[activation]
    except KeyError:
        raise ValueError(f"fused activation {activation} has no float range") from None


# ---------------------------------------------------------------- SOFTMAX

SOFTMAX_SCALED_DIFF_INTEGER_BITS = 5


def calculate_input_radius(input_integer_bits: int, input_left_shift: int, total_signed_bits: int = 31) -> int:
    """Largest |input - zero point| the fixed-point path accepts (floor, as TFLM)."""
    max_input_rescaled = (
        1.0 * ((1 << input_integer_bits) - 1) * float(1 << (total_signed_bits - input_integer_bits))
        / float(1 << input_left_shift)
    )
    return int(math.floor(max_input_rescaled))


@dataclass(frozen=True)
class SoftmaxQuant:
    input_multiplier: int
    input_left_shift: int
    diff_min: int


def softmax_quant(beta: float, input_scale: float) -> SoftmaxQuant:
    """PreprocessSoftmaxScaling (double rounding) for Q5.26 differences, and diff_min."""
    max_real = float((1 << 31) - 1)
    real = min(float(_f32(beta)) * float(_f32(input_scale)) * float(1 << (31 - SOFTMAX_SCALED_DIFF_INTEGER_BITS)),
               max_real)
    multiplier, shift = quantize_multiplier_greater_than_one(real)
    radius = calculate_input_radius(SOFTMAX_SCALED_DIFF_INTEGER_BITS, shift)
    return SoftmaxQuant(multiplier, shift, -radius)


# ---------------------------------------------------------------- LOGISTIC / TANH


@dataclass(frozen=True)
class SigmoidLikeQuant:
    """LOGISTIC and TANH (int8): input rescaled to Q4.27, saturating outside the radius."""

    input_zero_point: int
    input_range_radius: int
    input_multiplier: int
    input_left_shift: int


def logistic_tanh_quant(input_scale: float, input_zp: int) -> SigmoidLikeQuant:
    input_integer_bits = 4
    real = float(_f32(input_scale)) * float(1 << (31 - input_integer_bits))
    fraction, shift = math.frexp(real)
    multiplier = round_half_away(fraction * float(1 << 31))
    if multiplier > INT32_MAX:
        # TFLM casts 2^31 to int32 here without renormalising; refuse rather than guess.
        raise QuantParamError(f"input scale {input_scale!r} rounds the input multiplier up to 2^31")
    if not 0 <= shift <= 31:
        raise QuantParamError(f"input scale {input_scale!r} needs an input shift {shift} outside 0..31")
    radius = calculate_input_radius(input_integer_bits, shift, 31)
    return SigmoidLikeQuant(input_zp, radius, multiplier, shift)


# ---------------------------------------------------------------- RELU / RELU6 / LEAKY_RELU


@dataclass(frozen=True)
class ReluQuant:
    input_zero_point: int
    output_zero_point: int
    multiplier: int
    shift: int
    activation_min: int
    activation_max: int


def relu_quant(input_scale: float, input_zp: int, output_scale: float, output_zp: int) -> ReluQuant:
    """RELU (int8): requantize with float(s_in / s_out), clamp below at the output zero point."""
    multiplier, shift = quantize_multiplier(float(_f32(input_scale) / _f32(output_scale)))
    # roundf(0.0f / scale) is 0 for any positive scale.
    return ReluQuant(input_zp, output_zp, multiplier, shift, max(-128, output_zp), 127)


def relu6_bounds(input_scale: float, input_zp: int) -> tuple[int, int]:
    """RELU6 (int8) clamps raw input values to [zero point, quantized 6.0] in the input's domain."""
    quotient = float(_f32(6.0) / _f32(input_scale))
    if not math.isfinite(quotient) or abs(quotient) >= 2.0**31:
        raise QuantParamError(f"input scale {input_scale!r} puts 6.0 outside the int32 range")
    six = float(_f32(round_half_away(quotient)) + _f32(input_zp))
    six_int = max(-128, min(127, int(six)))
    return input_zp, six_int


@dataclass(frozen=True)
class LeakyReluQuant:
    input_zero_point: int
    output_zero_point: int
    identity_multiplier: int
    identity_shift: int
    alpha_multiplier: int  # negative for a negative alpha
    alpha_shift: int


def leaky_relu_quant(alpha: float, input_scale: float, input_zp: int, output_scale: float,
                     output_zp: int) -> LeakyReluQuant:
    """Both multipliers are computed in double from the float scales and alpha:
    double(s_in) * double(alpha) / double(s_out) and double(s_in) / double(s_out).

    TFLM's source at the pinned commit writes the products in float (a 2023 revert), but the
    pinned tflite-micro package computes them in double: measured over all 65536 int16 inputs of
    the SEANet LEAKY_RELU models, and on int8 cases where the two differ (tests/generator/ops/
    test_elementwise_quant.py keeps such a case).
    """
    s_in, s_out, a = float(_f32(input_scale)), float(_f32(output_scale)), float(_f32(alpha))
    alpha_m, alpha_s = quantize_multiplier(s_in * a / s_out)
    ident_m, ident_s = quantize_multiplier(s_in / s_out)
    if alpha_m == -(2**31):
        raise QuantParamError(f"alpha {alpha!r} gives an alpha multiplier of -2^31")
    return LeakyReluQuant(input_zp, output_zp, ident_m, ident_s, alpha_m, alpha_s)


# ---------------------------------------------------------------- HARD_SWISH


def downscale_int32_to_int16_multiplier(multiplier: int) -> int:
    """Q31 -> Q15 with rounding; saturates near the top like TFLM."""
    if multiplier < 0:
        raise QuantParamError(f"multiplier {multiplier} is negative")
    if multiplier >= INT32_MAX - (1 << 15):
        return 32767
    return (multiplier + (1 << 15)) >> 16


@dataclass(frozen=True)
class HardSwishQuant:
    input_zero_point: int
    output_zero_point: int
    output_multiplier_fixedpoint_int16: int
    output_multiplier_exponent: int
    reluish_multiplier_fixedpoint_int16: int
    reluish_multiplier_exponent: int


def hard_swish_quant(input_scale: float, input_zp: int, output_scale: float, output_zp: int) -> HardSwishQuant:
    hires_input_scale = _f32(1.0 / 128.0) * _f32(input_scale)
    reluish_scale = _f32(3.0) / _f32(32768.0)
    out_m, out_e = quantize_multiplier(float(hires_input_scale / _f32(output_scale)))
    if out_e > 0:
        raise QuantParamError(
            f"output scale {output_scale!r} is too small for input scale {input_scale!r} "
            f"(output multiplier exponent {out_e} > 0)"
        )
    rel_m, rel_e = quantize_multiplier(float(hires_input_scale / reluish_scale))
    if not -31 <= out_e or not -31 <= rel_e <= 31:
        raise QuantParamError(f"hard swish exponents {out_e}, {rel_e} outside -31..31")
    return HardSwishQuant(
        input_zp, output_zp,
        downscale_int32_to_int16_multiplier(out_m), out_e,
        downscale_int32_to_int16_multiplier(rel_m), rel_e,
    )


# ---------------------------------------------------------------- MEAN


@dataclass(frozen=True)
class MeanQuant:
    input_zero_point: int
    output_zero_point: int
    count: int  # elements averaged per output
    multiplier: int  # already divided by count
    shift: int


def _count_leading_zeros64(value: int) -> int:
    return 64 - value.bit_length()


def mean_quant(input_scale: float, input_zp: int, output_scale: float, output_zp: int, count: int) -> MeanQuant:
    """QuantizedMeanOrSum: the s_in / s_out multiplier divided by the element count up front."""
    if count <= 0:
        raise QuantParamError(f"mean over {count} elements")
    multiplier, shift = quantize_multiplier(float(_f32(input_scale)) / float(_f32(output_scale)))
    extra = 63 - _count_leading_zeros64(count)
    extra = min(extra, 32, 31 + shift)
    multiplier = int((multiplier << extra) // count) if extra >= 0 else int((multiplier >> -extra) // count)
    # Keep int32 semantics of TFLM's static_cast<int32_t>.
    multiplier = ((multiplier + 2**31) % 2**32) - 2**31
    shift -= extra
    if not -31 <= shift <= 31:
        raise QuantParamError(f"mean rescale shift {shift} outside -31..31")
    return MeanQuant(input_zp, output_zp, count, multiplier, shift)
