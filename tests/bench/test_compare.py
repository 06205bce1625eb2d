"""Output differences in LSB and ULP."""
from __future__ import annotations

import numpy as np

from tflm_bench.compare import difference


def test_integer_difference_in_lsb() -> None:
    a = np.array([1, 2, 3], dtype=np.int8)
    b = np.array([1, -2, 5], dtype=np.int8)
    d = difference(a, b)
    assert (d.mismatches, d.max_diff, d.unit, d.exact) == (2, 4, "LSB", False)
    assert difference(a, a.copy()).exact


def test_float_difference_in_ulp_across_zero() -> None:
    one = np.float32(1.0)
    next_up = np.nextafter(one, np.float32(2.0))
    d = difference(np.array([one, 0.0], dtype=np.float32), np.array([next_up, -0.0], dtype=np.float32))
    assert d.unit == "ULP" and d.max_diff == 1 and d.mismatches == 1  # +0 and -0 are the same point
    tiny = np.float32(np.finfo(np.float32).smallest_subnormal)
    assert difference(np.array([tiny]), np.array([-tiny], dtype=np.float32)).max_diff == 2


def test_reshapes_reference_of_equal_size() -> None:
    assert difference(np.zeros((1, 4), np.int8), np.zeros(4, np.int8)).exact
