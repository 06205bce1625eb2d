"""ADD_N (float32, int8) and PRELU (float32, int8, int16 with int8 alpha) on the emulated device
against TFLM, bit-exact (float32 ADD_N sums in TFLM's order, one rounding per addition; PRELU's
float32 path is one multiply). Several input counts, constant inputs, alpha broadcast per
channel or of the full shape, negative alphas, and several scales and zero points."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite


def _model(op: str, rng: np.random.Generator) -> LayerModel:
    """One model per operator (a model's description must fit the protocol's 1024 bytes)."""
    b = LayerModel()
    if op == "ADD_N":
        _add_n(b, rng)
    else:
        _prelu(b, rng)
    return b


def _add_n(b: LayerModel, rng: np.random.Generator) -> None:
    for count in (2, 3, 5):
        xs = [b.input("x", (2, 7), "float32") for _ in range(count)]
        b.op("ADD_N", xs, [b.output("y", (2, 7), "float32")])
    const = b.tensor("c", (2, 7), "float32", data=rng.uniform(-100, 100, (2, 7)).astype(np.float32))
    b.op("ADD_N", [b.input("x", (2, 7), "float32"), const], [b.output("y", (2, 7), "float32")])
    for count, (si, zi, so, zo) in ((2, (0.05, -3, 0.1, 5)), (4, (0.02, 100, 0.1, -128)), (3, (0.5, 0, 0.4, 0))):
        xs = [b.input("q", (3, 5), "int8", si, zi) for _ in range(count)]
        b.op("ADD_N", xs, [b.output("y", (3, 5), "int8", so, zo)])


def _prelu(b: LayerModel, rng: np.random.Generator) -> None:
    # PRELU float32: per-channel constant alpha, and a full-shape alpha input.
    alpha = b.tensor("a", (1, 1, 4), "float32", data=np.array([[[0.25, -0.5, 0.0, 2.0]]], np.float32))
    b.op("PRELU", [b.input("x", (2, 3, 4), "float32"), alpha], [b.output("y", (2, 3, 4), "float32")])
    b.op("PRELU", [b.input("x", (2, 6), "float32"), b.input("a", (2, 6), "float32")], [b.output("y", (2, 6), "float32")])
    # int8 / int16 with int8 alpha.
    for dtype, (si, zi), (sa, za), (so, zo) in (
        ("int8", (0.05, -10), (0.01, 0), (0.04, -20)),
        ("int8", (0.1, 50), (0.02, -100), (0.3, 0)),
        ("int16", (0.001, 0), (0.01, 3), (0.0008, 0)),
    ):
        a = b.tensor("a", (6,), "int8", sa, za, data=rng.integers(-128, 128, 6).astype(np.int8))
        b.op("PRELU", [b.input("x", (2, 2, 6), dtype, si, zi), a], [b.output("y", (2, 2, 6), dtype, so, zo)])
    b.op("PRELU", [b.input("x", (3, 4), "int8", 0.05, 0), b.input("a", (3, 1), "int8", 0.05, 7)],
         [b.output("y", (3, 4), "int8", 0.05, 0)])


def _draw(t, rng: np.random.Generator) -> np.ndarray:  # type: ignore[no-untyped-def]
    if t.dtype == "float32":
        return rng.uniform(-100.0, 100.0, t.shape).astype(np.float32)
    info = np.iinfo(np.dtype(t.dtype))
    return rng.integers(info.min, info.max, t.shape, endpoint=True).astype(np.dtype(t.dtype))


@pytest.mark.parametrize("op", ("ADD_N", "PRELU"))
def test_add_n_prelu_match_tflm(op: str, tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(29)
    b = _model(op, rng)
    samples = [[_draw(b.tensors[i], rng) for i in b.inputs] for _ in range(3)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, op)
    assert sum(len(r.outputs) for r in results) == 3 * len(b.outputs)
