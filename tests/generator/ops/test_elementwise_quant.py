"""The elementwise/activation/softmax/mean constants against straightforward computations."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tflm_bench.generator.elementwise_quant import (
    QuantParamError,
    add_sub_quant,
    calculate_input_radius,
    downscale_int32_to_int16_multiplier,
    float_activation_range,
    hard_swish_quant,
    leaky_relu_quant,
    logistic_tanh_quant,
    mean_quant,
    mul_quant,
    relu6_bounds,
    relu_quant,
    softmax_quant,
)


def real_of(multiplier: int, shift: int) -> float:
    return multiplier * 2.0 ** (shift - 31)


def close(multiplier: int, shift: int, expected: float) -> bool:
    """A Q31 multiplier represents its real value to within half a unit in the last place."""
    return abs(real_of(multiplier, shift) - expected) <= 2.0 ** (shift - 32) * 1.0000001


@pytest.mark.parametrize("s1,s2,so", [(0.05, 0.02, 0.1), (0.5, 0.5, 0.25), (2.0**-10, 4.0, 0.01), (0.3, 0.007, 3.0)])
def test_add_multipliers(s1: float, s2: float, so: float) -> None:
    q = add_sub_quant("ADD", s1, -3, s2, 127, so, -128, "NONE")
    f1, f2, fo = (float(np.float32(s)) for s in (s1, s2, so))
    twice_max = 2 * max(f1, f2)
    assert q.left_shift == 20
    assert close(q.input1_multiplier, q.input1_shift, f1 / twice_max)
    assert close(q.input2_multiplier, q.input2_shift, f2 / twice_max)
    assert close(q.output_multiplier, q.output_shift, twice_max / (2**20 * fo))
    assert max(q.input1_shift, q.input2_shift, q.output_shift) <= 0
    assert (q.input1_offset, q.input2_offset, q.output_offset) == (3, -127, -128)
    assert (q.activation_min, q.activation_max) == (-128, 127)


def test_sub_divides_in_double_as_add() -> None:
    """The pinned TFLM package computes SUB's ratios as ADD's (test_int16_quant.py runs it)."""
    q = add_sub_quant("SUB", 0.1, 0, 0.03, 0, 0.07, 0, "RELU")
    assert close(q.input2_multiplier, q.input2_shift, float(np.float32(0.03)) / (2.0 * float(np.float32(0.1))))
    assert q.activation_min == 0


def test_add_rejects_an_output_scale_too_small() -> None:
    with pytest.raises(QuantParamError, match="between 0 and 1"):
        add_sub_quant("ADD", 1.0, 0, 1.0, 0, 1e-7, 0, "NONE")


def test_mul_multiplier_and_activation() -> None:
    q = mul_quant(0.5, 1, 0.25, -2, 0.01, 5, "RELU6")
    assert close(q.multiplier, q.shift, 0.5 * 0.25 / float(np.float32(0.01)))
    assert (q.activation_min, q.activation_max) == (5, 127)  # 6.0 / 0.01 + 5 lies beyond int8


def test_float_activation_range() -> None:
    assert float_activation_range("RELU6") == (0.0, 6.0)
    low, high = float_activation_range("NONE")
    assert low == -high and np.float32(high) == np.finfo(np.float32).max


def test_softmax_beta_one_sixteenth() -> None:
    q = softmax_quant(1.0, 1.0 / 16.0)  # 2^-4 * 2^26 = 2^22 = 0.5 * 2^23
    assert (q.input_multiplier, q.input_left_shift) == (2**30, 23)
    assert q.diff_min == -math.floor(31 * 2**26 / 2**23) == -248


def test_softmax_caps_the_multiplier() -> None:
    q = softmax_quant(1000.0, 10.0)
    assert q.input_multiplier == 2**31 - 1 and q.input_left_shift == 31
    assert q.diff_min == 0


def test_softmax_rejects_tiny_beta_times_scale() -> None:
    with pytest.raises(QuantParamError, match="greater than 1"):
        softmax_quant(1e-9, 1e-3)


def test_logistic_tanh_input_rescale() -> None:
    q = logistic_tanh_quant(1.0 / 16.0, -7)  # 2^-4 * 2^27 = 2^23 = 0.5 * 2^24
    assert (q.input_multiplier, q.input_left_shift) == (2**30, 24)
    assert q.input_range_radius == calculate_input_radius(4, 24) == 120
    assert q.input_zero_point == -7
    q = logistic_tanh_quant(0.1, 0)
    assert close(q.input_multiplier, q.input_left_shift, float(np.float32(0.1)) * 2**27)


def test_relu_and_relu6() -> None:
    q = relu_quant(0.1, 3, 0.05, -128)
    assert close(q.multiplier, q.shift, float(np.float32(0.1) / np.float32(0.05)))
    assert (q.activation_min, q.activation_max) == (-128, 127)
    assert relu6_bounds(0.1, -5) == (-5, 55)
    assert relu6_bounds(0.01, 100) == (100, 127)  # 6.0 lies beyond int8: clamped
    with pytest.raises(QuantParamError):
        relu6_bounds(1e-12, 0)


def test_leaky_relu_negative_alpha_gives_negative_multiplier() -> None:
    q = leaky_relu_quant(-0.5, 0.1, 0, 0.1, 0)
    assert q.alpha_multiplier < 0 and close(q.alpha_multiplier, q.alpha_shift, -0.5)
    assert close(q.identity_multiplier, q.identity_shift, 1.0)


def test_hard_swish_multipliers() -> None:
    q = hard_swish_quant(0.05, 1, 0.03, -2)
    hires = np.float32(1 / 128) * np.float32(0.05)
    out_real = float(hires / np.float32(0.03))
    assert abs(q.output_multiplier_fixedpoint_int16 * 2.0 ** (q.output_multiplier_exponent - 15) - out_real) \
        <= 2.0 ** (q.output_multiplier_exponent - 15)
    assert q.output_multiplier_exponent <= 0
    assert downscale_int32_to_int16_multiplier(2**30) == 2**14
    assert downscale_int32_to_int16_multiplier(2**31 - 1) == 32767
    with pytest.raises(QuantParamError, match="too small"):
        hard_swish_quant(1.0, 0, 1e-4, 0)


@pytest.mark.parametrize("count", [1, 2, 25, 49, 96, 1000])
def test_mean_multiplier_includes_the_division(count: int) -> None:
    q = mean_quant(0.05, 3, 0.02, -1, count)
    assert q.count == count
    expected = float(np.float32(0.05)) / float(np.float32(0.02)) / count
    assert abs(real_of(q.multiplier, q.shift) - expected) / expected < 2e-8 * count
    assert -31 <= q.shift <= 31


def test_mean_count_25_by_hand() -> None:
    q = mean_quant(1.0, 0, 1.0, 0, 25)  # multiplier 2^30, shift 1; extra shift floor(log2 25) = 4
    assert (q.multiplier, q.shift) == ((2**30 << 4) // 25, -3)
