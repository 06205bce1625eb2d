"""RELU and RELU6 in int16 and HARD_SWISH in float32 on the emulated device against TFLM,
bit-exact (HARD_SWISH float32: an addition, comparisons, a multiply and a division, each
correctly rounded the same way on both). Several scales, equal and different input/output scales,
full-range int16 inputs, and float32 inputs around HARD_SWISH's knees (-3 and 3)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

INT16_CASES = (  # op, input scale, output scale
    ("RELU", 0.001, 0.001),
    ("RELU", 0.001, 0.0023),
    ("RELU", 0.01, 0.0004),
    ("RELU6", 0.0005, 0.0005),
    ("RELU6", 0.0001, 0.0001),
    ("RELU6", 1e-6, 1e-6),
)


def test_relu_int16_hard_swish_f32_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b = LayerModel()
    for op, si, so in INT16_CASES:
        b.op(op, [b.input("x", (64,), "int16", si, 0)], [b.output("y", (64,), "int16", so, 0)])
    for shape in ((4, 16), (3, 3, 3)):
        b.op("HARD_SWISH", [b.input("f", shape, "float32")], [b.output("y", shape, "float32")])
    rng = np.random.default_rng(31)
    samples = []
    for n in range(3):
        sample = []
        for i in b.inputs:
            t = b.tensors[i]
            if t.dtype == "int16":
                values = rng.integers(-32768, 32767, t.shape, endpoint=True).astype(np.int16)
                values[:4] = (-32768, 32767, 0, -1)
            else:
                values = rng.uniform(-8.0, 8.0, t.shape).astype(np.float32)
                if n == 0:
                    edges = [-3.0, 3.0, -2.9999998, 3.0000002, 0.0, -0.0, 1e30, -1e30, 6.0, -6.0]
                    values.reshape(-1)[: len(edges)] = edges
            sample.append(values)
        samples.append(sample)
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "int16 RELU/RELU6, float32 HARD_SWISH")
    assert sum(len(r.outputs) for r in results) == 3 * len(b.outputs)
