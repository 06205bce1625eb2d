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


def test_random_bool_and_int64_inputs_take_both_values_and_the_full_range() -> None:
    specs = (TensorInfo(np.dtype(np.bool_), (400,), 0.0, 0, 400), TensorInfo(np.dtype(np.int64), (400,), 0.0, 0, 3200))
    flags, wide = random_inputs(specs, 1, seed=5)[0]
    assert flags.dtype == np.bool_ and 0 < np.count_nonzero(flags) < flags.size
    assert wide.dtype == np.int64 and wide.min() < -(2**62) and wide.max() > 2**62


def test_random_float_inputs_use_the_given_range() -> None:
    samples = random_inputs((FLOAT_SPEC,), 50, seed=1, float_ranges={0: (2.0, 3.0)})
    values = np.concatenate([s[0].ravel() for s in samples])
    assert values.dtype == np.float32 and values.min() >= 2.0 and values.max() <= 3.0


def test_fixed_inputs_hold_their_values_in_every_sample() -> None:
    """E.g. a TRANSPOSE_CONV's output_shape fed by a graph input (generator.fixed_input_values)."""
    shape_spec = TensorInfo(np.dtype(np.int32), (4,), 0.0, 0, 16)
    samples = random_inputs((shape_spec, INT8_SPEC), 3, seed=2, fixed={0: np.array([1, 3, 12, 64])})
    assert all(s[0].dtype == np.int32 and s[0].tolist() == [1, 3, 12, 64] for s in samples)
    unfixed = random_inputs((shape_spec, INT8_SPEC), 3, seed=2)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(samples, unfixed))  # the others drawn as before


def test_load_inputs_splits_samples(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    np.save(path, np.arange(12, dtype=np.int8).reshape(3, 4))
    loaded = load_inputs(path, (INT8_SPEC,))
    samples = loaded.samples
    assert len(samples) == 3 and samples[1][0].shape == (1, 4) and samples[1][0][0, 0] == 4
    assert loaded.conversion is None


def test_load_inputs_rejects_wrong_size(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    np.save(path, np.zeros(6, dtype=np.int8))
    with pytest.raises(InputError, match=r"its shape \(6,\) is not the input's: give \[N, 4\]"):
        load_inputs(path, (INT8_SPEC,))
    np.save(path, np.zeros((2, 2, 2), dtype=np.int8))  # 8 values = 2 samples, but not their layout
    with pytest.raises(InputError, match=r"give \[N, 4\]"):
        load_inputs(path, (INT8_SPEC,))


def test_float_data_for_a_quantized_input_is_quantized_and_said(tmp_path: Path) -> None:
    """round(x / 0.1) + 0 with halves away from zero (0.25 -> 3, -0.25 -> -3), clamped to int8."""
    path = tmp_path / "images.npy"
    np.save(path, np.array([[0.0, 0.25, -0.25, 1.0], [100.0, -100.0, 0.04, 0.06]], dtype=np.float32))
    loaded = load_inputs(path, (INT8_SPEC,))
    assert [s[0].tolist() for s in loaded.samples] == [[[0, 3, -3, 10]], [[127, -128, 0, 1]]]
    assert loaded.samples[0][0].dtype == np.int8
    assert loaded.conversion is not None
    assert "quantized to int8 with the input's scale 0.1 and zero point 0" in loaded.conversion
    assert "2 values outside [-12.8, 12.7] were clamped" in loaded.conversion


def test_other_integers_for_a_quantized_input_are_refused_without_astype_advice(tmp_path: Path) -> None:
    path = tmp_path / "pixels.npy"
    np.save(path, np.full((2, 4), 200, dtype=np.uint8))
    with pytest.raises(InputError) as info:
        load_inputs(path, (INT8_SPEC,))
    message = str(info.value)
    assert "astype(np.int8)" not in message
    assert "give the real values as float32" in message and "q = round(x / scale) + zero_point" in message


def test_shape_and_type_problems_are_named_together(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    np.save(path, np.zeros(6, dtype=np.int64))
    with pytest.raises(InputError, match=r"its shape \(6,\) is not the input's.*; and the input takes int8"):
        load_inputs(path, (INT8_SPEC,))


def test_float_inputs(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    np.save(path, np.array([[0.5, 1.5]], dtype=np.float64))
    loaded = load_inputs(path, (FLOAT_SPEC,))
    assert loaded.samples[0][0].dtype == np.float32 and loaded.conversion == "x.npy: float64 values given as float32"
    np.save(path, np.array([[1, 2]], dtype=np.int32))
    with pytest.raises(InputError, match="the input takes float values"):
        load_inputs(path, (FLOAT_SPEC,))


def test_non_finite_or_unquantized_inputs_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.npy"
    np.save(path, np.array([[np.nan, 0, 0, 0]], dtype=np.float32))
    with pytest.raises(InputError, match="NaN or infinite"):
        load_inputs(path, (INT8_SPEC,))
    np.save(path, np.zeros((1, 4), dtype=np.float32))
    with pytest.raises(InputError, match="no quantization parameters"):
        load_inputs(path, (TensorInfo(np.dtype(np.int8), (1, 4), 0.0, 0, 4),))
