"""SELECT_V2 on the emulated device against TFLM, bit-exact (values are copied): float32, int8 and
int16; the condition, x and y each broadcast (three-way), constant operands, and a condition made
on the device by a comparison."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

# (type, scale, condition shape, x shape, y shape or None for a constant, output shape)
CASES = (
    ("float32", None, (2, 3, 4), (2, 3, 4), (2, 3, 4), (2, 3, 4)),
    ("float32", None, (3, 1), (1, 4), None, (3, 4)),
    ("int8", 0.05, (2, 1, 1, 5), (1, 3, 1, 5), (4, 1), (2, 3, 4, 5)),
    ("int8", 0.1, (6,), (2, 6), None, (2, 6)),
    ("int16", 0.001, (1,), (2, 2, 3), (2, 1, 3), (2, 2, 3)),
    ("int16", 0.002, (2, 1, 2, 1, 2), (1, 2, 1, 2, 1), (2, 2, 2, 2, 2), (2, 2, 2, 2, 2)),
)


def _model() -> LayerModel:
    b = LayerModel()
    for dtype, scale, cond_shape, x_shape, y_shape, out_shape in CASES:
        condition = b.input("c", cond_shape, "bool")
        x = b.input("x", x_shape, dtype, scale, 0)
        if y_shape is None:
            values = np.arange(int(np.prod(out_shape[-1:]))) * 7 - 9
            y = b.tensor("k", out_shape[-1:], dtype, scale, 0, data=values.astype(np.dtype(dtype)))
        else:
            y = b.input("y", y_shape, dtype, scale, 0)
        b.op("SELECT_V2", [condition, x, y], [b.output("o", out_shape, dtype, scale, 0)])
    # The condition computed on the device: x > y.
    f1, f2 = b.input("f", (9,), "float32"), b.input("f", (9,), "float32")
    greater = b.tensor("g", (9,), "bool")
    b.op("GREATER", [f1, f2], [greater])
    b.op("SELECT_V2", [greater, f1, f2], [b.output("o", (9,), "float32")])
    return b


def _draw(dtype: str, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(np.bool_)
    if dtype == "float32":
        return rng.uniform(-8.0, 8.0, shape).astype(np.float32)
    info = np.iinfo(np.dtype(dtype))
    return rng.integers(info.min, info.max, shape, endpoint=True).astype(np.dtype(dtype))


def test_select_v2_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b = _model()
    rng = np.random.default_rng(17)
    samples = [[_draw(b.tensors[i].dtype, b.tensors[i].shape, rng) for i in b.inputs] for _ in range(4)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "SELECT_V2")
    assert sum(len(r.outputs) for r in results) == 4 * len(b.outputs)
