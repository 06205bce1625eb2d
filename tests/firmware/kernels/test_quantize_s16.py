"""QUANTIZE from int16 (int16 -> int8 and int16 -> int32, TFLM's reference Requantize; the keyword
models' first and last layers) on the emulated device against TFLM: random scales (rescales
above and below 1), int16 zero points 0 and the -32768 SOFTMAX writes, full-range inputs."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

SHAPES = [(1, 96), (1, 2), (3, 5), (2, 2, 7), (1, 37)]


def test_quantize_from_int16_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(23)
    b = LayerModel()
    layers = [("int8", 0.000625, 0, 0.059208333, -128),  # keyword_scrambled's input QUANTIZE
              ("int32", 1.5259022e-05, -32768, 3.051851e-05, 0)]  # and its output QUANTIZE
    for k in range(8):
        out_dtype = ("int8", "int32")[k % 2]
        in_scale = float(2.0 ** rng.uniform(-16, -2))
        out_scale = float(in_scale * 2.0 ** (rng.uniform(-4, 9) if out_dtype == "int8" else rng.uniform(-6, 3)))
        in_zp = int(rng.choice([0, -32768, int(rng.integers(-32768, 32768))]))
        out_zp = int(rng.integers(-128, 128)) if out_dtype == "int8" else int(rng.integers(-1000, 1000))
        layers.append((out_dtype, in_scale, in_zp, out_scale, out_zp))
    for k, (out_dtype, in_scale, in_zp, out_scale, out_zp) in enumerate(layers):
        shape = SHAPES[k % len(SHAPES)]
        x = b.input("x", shape, "int16", in_scale, in_zp)
        y = b.output("y", shape, out_dtype, out_scale, out_zp)
        b.op("QUANTIZE", [x], [y])
    results = run_on_device(build_tflite(b.spec()), b.random_samples(rng, 4), tmp_path, bench_options)
    assert_bit_exact(results, "QUANTIZE from int16")
