"""TFLM's rescaling arithmetic in Python."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tflm_bench.generator.quantization import (
    INT32_MAX,
    INT32_MIN,
    calculate_activation_range_quantized,
    fully_connected_quant,
    multiply_by_quantized_multiplier,
    quantize_multiplier,
    rounding_divide_by_pot,
    saturating_rounding_doubling_high_mul,
)
from tflm_bench.generator.model import Quantization


@pytest.mark.parametrize(
    ("real", "expected"),
    [
        (0.0, (0, 0)),
        (1.0, (1 << 30, 1)),
        (0.5, (1 << 30, 0)),
        (0.25, (1 << 30, -1)),
        (2.0, (1 << 30, 2)),
        (0.75, (3 << 29, 0)),
        # q * 2^31 rounds up to 2^31: halve and bump the shift
        (1.0 - 2.0**-40, (1 << 30, 1)),
        (0.5 - 2.0**-42, (1 << 30, 0)),
        # shift below -31 flushes to zero
        (2.0**-40, (0, 0)),
        (5e-324, (0, 0)),  # smallest denormal
        (2.0**-32, (1 << 30, -31)),
    ],
)
def test_quantize_multiplier_edges(real, expected):
    assert quantize_multiplier(real) == expected


def test_quantize_multiplier_rounds_half_away_from_zero():
    # fraction * 2^31 = 2^30 + 0.5 exactly -> rounds up
    real = (2.0**30 + 0.5) / 2.0**31
    assert quantize_multiplier(real) == ((1 << 30) + 1, 0)
    assert quantize_multiplier(-real) == (-((1 << 30) + 1), 0)


def test_quantize_multiplier_reconstructs_value():
    rng = np.random.default_rng(3)
    for real in rng.uniform(1e-6, 50.0, size=500):
        multiplier, shift = quantize_multiplier(float(real))
        assert (1 << 30) <= multiplier < (1 << 31)
        assert math.isclose(multiplier * 2.0 ** (shift - 31), real, rel_tol=2**-30)


def _reference_mbqm(x: int, multiplier: int, shift: int) -> int:
    """Straightforward big-integer statement of the same double rounding."""
    def round_away(numerator: int, denominator: int) -> int:
        quotient, remainder = divmod(abs(numerator), denominator)
        if 2 * remainder >= denominator:
            quotient += 1
        return quotient if numerator >= 0 else -quotient

    left = max(shift, 0)
    shifted = ((x << left) + 2**31) % 2**32 - 2**31
    if shifted == INT32_MIN and multiplier == INT32_MIN:
        high = INT32_MAX
    else:
        # (p + nudge) / 2^31 truncated toward zero: rounds half away from zero ...
        p = shifted * multiplier
        nudge = (1 << 30) if p >= 0 else 1 - (1 << 30)
        high = int((p + nudge) / 2**31) if abs(p) < 2**52 else (
            (p + nudge) // 2**31 if p + nudge >= 0 else -((-(p + nudge)) // 2**31))
    return round_away(high, 1 << max(-shift, 0))


def test_srdhm_and_divide_by_pot_basics():
    assert saturating_rounding_doubling_high_mul(INT32_MIN, INT32_MIN) == INT32_MAX
    assert saturating_rounding_doubling_high_mul(1 << 30, 1 << 30) == 1 << 29
    # 2 * a * b / 2^32 = -1.5: the high-mul nudge sends negative ties toward zero
    assert saturating_rounding_doubling_high_mul(-3, 1 << 30) == -1
    assert saturating_rounding_doubling_high_mul(3, 1 << 30) == 2
    assert rounding_divide_by_pot(5, 1) == 3
    assert rounding_divide_by_pot(-5, 1) == -3
    assert rounding_divide_by_pot(-4, 1) == -2
    assert rounding_divide_by_pot(7, 0) == 7
    assert rounding_divide_by_pot(INT32_MIN, 31) == -1


def test_multiply_by_quantized_multiplier_against_big_int_reference():
    rng = np.random.default_rng(11)
    xs = list(rng.integers(INT32_MIN, INT32_MAX, size=400, endpoint=True)) + [
        0, 1, -1, INT32_MAX, INT32_MIN, 1 << 20, -(1 << 20)]
    for _ in range(6):
        multiplier = int(rng.integers(1 << 30, 1 << 31))
        for shift in (-31, -20, -9, -1, 0, 1, 3):
            for x in xs:
                x = int(x)
                assert multiply_by_quantized_multiplier(x, multiplier, shift) == \
                    _reference_mbqm(x, multiplier, shift), (x, multiplier, shift)


def test_mbqm_on_exact_ties():
    # 0.5 is (2^30, 0): only the high-mul rounds, and it sends -1.5 up to -1
    multiplier, shift = quantize_multiplier(0.5)
    assert multiply_by_quantized_multiplier(3, multiplier, shift) == 2
    assert multiply_by_quantized_multiplier(-3, multiplier, shift) == -1
    # 0.25 is (2^30, -1): the power-of-two division rounds ties away from zero
    multiplier, shift = quantize_multiplier(0.25)
    assert multiply_by_quantized_multiplier(6, multiplier, shift) == 2
    assert multiply_by_quantized_multiplier(-6, multiplier, shift) == -2


@pytest.mark.parametrize(
    ("activation", "scale", "zp", "expected"),
    [
        ("NONE", 0.1, 5, (-128, 127)),
        ("RELU", 0.1, 5, (5, 127)),
        ("RELU", 0.1, -128, (-128, 127)),
        ("RELU6", 6.0 / 255.0, -128, (-128, 127)),
        ("RELU6", 0.05, -10, (-10, 110)),
        ("RELU6", 0.01, 0, (0, 127)),
        ("RELU_N1_TO_1", 1.0 / 64, 3, (-61, 67)),
        ("RELU_N1_TO_1", 0.001, 0, (-128, 127)),
        # 1 / 0.4 = 2.5 in float -> rounds away from zero to 3
        ("RELU_N1_TO_1", 0.4, 0, (-3, 3)),
    ],
)
def test_activation_ranges(activation, scale, zp, expected):
    assert calculate_activation_range_quantized(activation, scale, zp, "int8") == expected


def test_activation_range_divides_in_single_precision():
    scale = float(np.float32(6.0 / 255.0))
    float_quotient = float(np.float32(6.0) / np.float32(scale))
    low, high = calculate_activation_range_quantized("RELU6", scale, -128, "int8")
    assert high == min(127, -128 + round(float_quotient))
    assert low == -128


def test_activation_range_rejects_unknown():
    with pytest.raises(ValueError):
        calculate_activation_range_quantized("TANH", 0.1, 0)


def test_fully_connected_quant_offsets_and_per_channel():
    f32 = lambda v: float(np.float32(v))  # noqa: E731 - scales are stored as float32
    fq = fully_connected_quant(
        Quantization((f32(0.05),), (-3,)),
        Quantization((f32(0.01), f32(0.02)), (0, 0)),
        Quantization((f32(0.2),), (7,)),
        "RELU",
    )
    assert (fq.input_offset, fq.filter_offset, fq.output_offset) == (3, 0, 7)
    assert (fq.activation_min, fq.activation_max) == (7, 127)
    assert fq.channel_multipliers is not None and fq.channel_shifts is not None
    for i, filter_scale in enumerate((0.01, 0.02)):
        expected = quantize_multiplier(f32(0.05) * f32(filter_scale) / f32(0.2))
        assert (fq.channel_multipliers[i], fq.channel_shifts[i]) == expected
