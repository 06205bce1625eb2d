"""The convolution family's rescaling constants against a straightforward double computation."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tflm_bench.generator.conv_quant import (
    FLOAT32_MAX, conv_quant, float_activation_range, per_channel_multipliers, pool_scales_match,
)
from tflm_bench.generator.model import Quantization


def _reference_multiplier(real: float) -> tuple[int, int]:
    """QuantizeMultiplier written out from its definition (REFERENCE.md section 4)."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    fixed = int(math.floor(abs(q) * 2**31 + 0.5)) * (1 if q >= 0 else -1)
    if fixed == 2**31:
        fixed //= 2
        shift += 1
    if shift < -31:
        return 0, 0
    return fixed, shift


def test_per_channel_multipliers_match_double_computation() -> None:
    rng = np.random.default_rng(7)
    for _ in range(200):
        channels = int(rng.integers(1, 20))
        in_scale = float(np.float32(2.0 ** rng.uniform(-20, 4)))
        out_scale = float(np.float32(2.0 ** rng.uniform(-20, 4)))
        filter_scales = tuple(float(np.float32(2.0 ** rng.uniform(-16, 0))) for _ in range(channels))
        multipliers, shifts = per_channel_multipliers(in_scale, filter_scales, out_scale, channels)
        for c in range(channels):
            # TFLM: double(in) * double(filter[c]) / double(out), in that order.
            assert (multipliers[c], shifts[c]) == _reference_multiplier(in_scale * filter_scales[c] / out_scale)
            real = in_scale * filter_scales[c] / out_scale
            if real >= 2.0**-32:  # smaller ones flush to 0 (tested below)
                assert multipliers[c] * 2.0 ** (shifts[c] - 31) == pytest.approx(real, rel=2**-30)


def test_per_tensor_filter_repeats_its_multiplier() -> None:
    multipliers, shifts = per_channel_multipliers(0.5, (0.25,), 0.125, 4)
    assert multipliers == (2**30,) * 4 and shifts == (1,) * 4  # 1.0 = 0.5 * 2^1


def test_multiplier_above_one_and_flushed_to_zero() -> None:
    (big,), (big_shift,) = per_channel_multipliers(1.0, (3.0,), 1.0, 1)
    assert (big, big_shift) == (3 * 2**29, 2)  # 3 = 0.75 * 2^2
    assert per_channel_multipliers(1e-30, (1e-10,), 1.0, 1) == ((0,), (0,))  # shift < -31


def test_mismatched_scale_count_is_rejected() -> None:
    with pytest.raises(ValueError, match="3 filter scales for 4 output channels"):
        per_channel_multipliers(1.0, (1.0, 1.0, 1.0), 1.0, 4)


def test_conv_quant_offsets_and_activation_range() -> None:
    q = conv_quant(Quantization((0.5,), (-3,)), Quantization((0.1, 0.2), (0, 0)), Quantization((0.25,), (10,)),
                   "RELU6", 2)
    assert q.input_offset == 3 and q.output_offset == 10
    assert (q.activation_min, q.activation_max) == (10, 34)  # 10 + round(6 / 0.25)
    assert len(q.multipliers) == len(q.shifts) == 2


def test_float_activation_ranges() -> None:
    assert float_activation_range("NONE") == (-FLOAT32_MAX, FLOAT32_MAX)
    assert float_activation_range("RELU") == (0.0, FLOAT32_MAX)
    assert float_activation_range("RELU6") == (0.0, 6.0)
    assert float_activation_range("RELU_N1_TO_1") == (-1.0, 1.0)
    with pytest.raises(ValueError, match="TANH"):
        float_activation_range("TANH")


def test_pool_scales_match_within_tflm_tolerance() -> None:
    same = Quantization((0.05,), (3,))
    assert pool_scales_match(same, Quantization((0.05 + 5e-7,), (3,)))
    assert not pool_scales_match(same, Quantization((0.05 + 5e-6,), (3,)))
    assert not pool_scales_match(same, Quantization((0.05,), (4,)))
