"""generator/fixedpoint.py: gemmlowp's exp on negative values, as the int8 SOFTMAX table uses it
(the device tests check the tables against TFLM bit for bit; these check the function itself)."""
from __future__ import annotations

import math

import pytest

from tflm_bench.generator.fixedpoint import exp_on_negative_values, multiply_by_pot, rescale
from tflm_bench.generator.quantization import INT32_MAX, INT32_MIN


def test_exp_of_zero_is_one_and_far_below_is_zero() -> None:
    assert exp_on_negative_values(0, 5) == INT32_MAX
    assert exp_on_negative_values(INT32_MIN, 5) == 0  # exp(-32) is below Q0's resolution


@pytest.mark.parametrize("x", [-0.01, -0.125, -0.3, -1.0, -2.5, -7.0, -15.9])
def test_exp_is_close_to_the_real_function(x: float) -> None:
    # gemmlowp's polynomial and barrel multipliers: about 2e-7 off at worst here.
    q = round(x * (1 << 26))
    got = exp_on_negative_values(q, 5) / 2**31
    assert got == pytest.approx(math.exp(q / (1 << 26)), abs=5e-7)


def test_exp_never_rises_as_the_input_falls() -> None:
    values = [exp_on_negative_values(-k << 20, 5) for k in range(0, 2048)]
    assert all(a >= b for a, b in zip(values, values[1:]))


def test_multiply_by_pot_saturates_up_and_rounds_down() -> None:
    assert multiply_by_pot(1 << 29, 3) == INT32_MAX and multiply_by_pot(-(1 << 29), 3) == INT32_MIN
    assert multiply_by_pot(5, -1) == 3 and multiply_by_pot(-5, -1) == -3  # ties away from zero
    assert rescale(1 << 20, 0, 12) == 1 << 8
