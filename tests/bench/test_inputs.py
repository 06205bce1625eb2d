"""Seeded random inputs and .npy loading."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tflm_bench.errors import InputError
from tflm_bench.inputs import load_inputs, random_inputs
from tflm_bench.protocol import TensorInfo

INT8_SPEC = TensorInfo(np.dtype(np.int8), (1, 4), 0.1, 0, 4)
FLOAT_SPEC = TensorInfo(np.dtype(np.float32), (1, 2), 0.0, 0, 8)


def test_random_inputs_are_seeded_and_cover_the_int8_range() -> None:
    first = random_inputs((INT8_SPEC,), 200, seed=3)
    again = random_inputs((INT8_SPEC,), 200, seed=3)
    assert all(np.array_equal(a[0], b[0]) for a, b in zip(first, again))
    values = np.concatenate([s[0].ravel() for s in first])
    assert values.dtype == np.int8 and values.min() == -128 and values.max() == 127


def test_random_float_inputs_use_the_given_range() -> None:
    samples = random_inputs((FLOAT_SPEC,), 50, seed=1, float_ranges={0: (2.0, 3.0)})
    values = np.concatenate([s[0].ravel() for s in samples])
    assert values.dtype == np.float32 and values.min() >= 2.0 and values.max() <= 3.0


def test_load_inputs_splits_samples(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    np.save(path, np.arange(12, dtype=np.int8).reshape(3, 4))
    samples = load_inputs(path, (INT8_SPEC,))
    assert len(samples) == 3 and samples[1][0].shape == (1, 4) and samples[1][0][0, 0] == 4


def test_load_inputs_rejects_wrong_dtype_and_size(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    np.save(path, np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(InputError, match="float32.*int8"):
        load_inputs(path, (INT8_SPEC,))
    np.save(path, np.zeros(6, dtype=np.int8))
    with pytest.raises(InputError, match=r"has shape \(6,\); the model's input has shape \(1, 4\)"):
        load_inputs(path, (INT8_SPEC,))
    np.save(path, np.zeros((2, 2, 2), dtype=np.int8))  # 8 values = 2 samples, but not their layout
    with pytest.raises(InputError, match=r"give \[N, 4\]"):
        load_inputs(path, (INT8_SPEC,))
