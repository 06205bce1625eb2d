"""int8 SOFTMAX on the emulated device against TFLM: random (seeded) shapes and depths (1,
odd, not multiples of 4), betas and input scales from tiny to large, zero points at -128 and
127. TFLM's int8 path here is gemmlowp fixed point (no lookup table)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

CASES = [
    # (shape, beta, input scale, input zero point)
    ((1, 10), 1.0, 0.1, -128),
    ((3, 7), 1.0, 0.0625, 127),
    ((2, 2, 5), 0.5, 0.3, 5),
    ((1, 1), 1.0, 0.05, 0),
    ((4, 33), 2.0, 0.02, -20),
    ((2, 3, 2, 13), 1.0, 1.5, 40),
    ((1, 12), 0.05, 0.2, -1),
    ((5, 3), 1.0, 8.0, 0),
    ((1, 40), 1.0, 2.0**-8, -128),
    ((6,), 1.0, 0.7, 100),
]


def test_softmax_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b = LayerModel()
    for shape, beta, scale, zp in CASES:
        x = b.input("x", shape, "int8", scale, zp)
        y = b.output("y", shape, "int8", 1.0 / 256.0, -128)
        b.op("SOFTMAX", [x], [y], ("SoftmaxOptions", {"beta": beta}))
    rng = np.random.default_rng(11)
    samples = b.random_samples(rng, 4)
    # Rows with ties and with one dominant value, too.
    samples.append([np.full(b.tensors[i].shape, 17, np.int8) for i in b.inputs])
    spiky = []
    for i in b.inputs:
        values = np.full(b.tensors[i].shape, -128, np.int8)
        values.reshape(-1)[:: max(1, b.tensors[i].shape[-1] - 1)] = 127
        spiky.append(values)
    samples.append(spiky)
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "int8 SOFTMAX")
