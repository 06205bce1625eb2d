"""Quantized ABS (int8, int16, and int16 without quantization) and RSQRT (int8) on the emulated
device against TFLM, bit-exact: equal and different input/output scales, zero points at both ends
of the range, every int8 value (RSQRT: every value from the input zero point up, the only ones
TFLM's Eval accepts)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

# (op, type, input scale, input zero point, output scale, output zero point)
CASES = (
    ("ABS", "int8", 0.05, 0, 0.05, 0),
    ("ABS", "int8", 0.05, -20, 0.05, -128),
    ("ABS", "int8", 0.05, 100, 0.03, -128),
    ("ABS", "int8", 0.2, -128, 0.9, 5),
    ("ABS", "int16", 0.001, 0, 0.001, 0),
    ("ABS", "int16", 0.001, 0, 0.0017, 0),
    ("ABS", "int16", None, 0, None, 0),
    ("RSQRT", "int8", 0.05, -128, 0.02, -128),
    ("RSQRT", "int8", 0.3, 0, 0.01, -100),
    ("RSQRT", "int8", 0.002, -50, 0.5, 0),
)
SHAPE = (256,)


def _model() -> LayerModel:
    b = LayerModel()
    for op, dtype, si, zi, so, zo in CASES:
        x = b.input("x", SHAPE, dtype, si, zi)
        b.op(op, [x], [b.output("y", SHAPE, dtype, so, zo)])
    return b


def _sample(rng: np.random.Generator, first: bool) -> list[np.ndarray]:
    sample = []
    for op, dtype, _, zi, _, _ in CASES:
        if dtype == "int16":
            values = rng.integers(-32768, 32767, SHAPE, endpoint=True)
            values[:4] = (-32768, 32767, 0, -1)
        else:
            low = zi if op == "RSQRT" else -128
            values = np.arange(-128, 128) if first and op == "ABS" else rng.integers(low, 127, SHAPE, endpoint=True)
            if first and op == "RSQRT":
                values = np.resize(np.arange(low, 128), SHAPE)
        sample.append(np.asarray(values).astype(np.dtype(dtype)))
    return sample


def test_abs_rsqrt_quantized_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b = _model()
    rng = np.random.default_rng(23)
    samples = [_sample(rng, n == 0) for n in range(3)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "quantized ABS and RSQRT")
    assert sum(len(r.outputs) for r in results) == 3 * len(CASES)
