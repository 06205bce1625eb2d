"""CAST on the emulated device against TFLM: every (input, output) type pair TFLM runs, bit-exact
(integer narrowing wraps, float32 -> integer truncates; float32 outputs exact, one conversion).

Inputs cover each type's full range, and float32 inputs also values outside the integer targets'
ranges, infinities and NaN (host TFLM saturates them, NaN -> 0; see firmware/kernels/cast/tb_cast.h).
"""
from __future__ import annotations

from itertools import product
from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

INPUTS = ("int8", "int16", "int32", "uint32", "float32", "bool")
OUTPUTS = ("int8", "int16", "int32", "uint32", "float32")
SHAPE = (5, 7)
FLOAT_EDGES = np.array([0.0, -0.0, 0.5, -0.5, 0.99, -0.99, 127.9, -128.9, 128.0, 300.7, -300.7, 32767.5, 40000.0,
                        -40000.0, 2.0**31 - 128, 2.0**31, -2.0**31, -2.0**31 - 256, 4294967040.0, 2.0**32, 1e20,
                        -1e20, np.inf, -np.inf, np.nan, -1.0, 1e-40], np.float32)


def _values(dtype: str, rng: np.random.Generator, edges: bool) -> np.ndarray:
    if dtype == "bool":
        return rng.integers(0, 2, SHAPE).astype(np.bool_)
    if dtype == "float32":
        values = rng.uniform(-200.0, 200.0, SHAPE).astype(np.float32)
        if edges:
            values = np.resize(FLOAT_EDGES, SHAPE)
        else:
            values.reshape(-1)[::3] = rng.uniform(-5e9, 5e9, values.size)[::3].astype(np.float32)
        return values
    info = np.iinfo(np.dtype(dtype))
    values = rng.integers(info.min, info.max, SHAPE, endpoint=True).astype(np.dtype(dtype))
    if edges:
        values.reshape(-1)[:3] = (info.min, info.max, 0)
    return values


@pytest.mark.parametrize("inputs", (INPUTS[:3], INPUTS[3:]), ids=("int8-int16-int32", "uint32-float32-bool"))
def test_cast_matches_tflm(inputs: tuple[str, ...], tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b = LayerModel()
    for source in inputs:
        x = b.input("x", SHAPE, source)
        for target in OUTPUTS:
            b.op("CAST", [x], [b.output("y", SHAPE, target)])
    rng = np.random.default_rng(11)
    samples = [[_values(b.tensors[i].dtype, rng, edges=n == 2) for i in b.inputs] for n in range(3)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, f"CAST from {', '.join(inputs)}")
    assert sum(len(r.outputs) for r in results) == 3 * len(inputs) * len(OUTPUTS)
