"""L2_NORMALIZATION (float32 and int8) on the emulated device against TFLM: ranks 1 to 4, depths
from 1 up, random int8 zero points (also at the rails), and all-zero-point rows (the sum of
squares 0, TFLM's special case); one model. int8 bit-exact, float32 0 ULP (the same IEEE steps:
squares added in order, sqrtf, one division per element)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import run_on_device
from support.tflite_builder import build_tflite

SHAPES = ((5,), (3, 1), (2, 7), (2, 3, 16), (1, 2, 3, 33), (1, 1, 1, 200))


def test_l2_normalization_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(12)
    b = LayerModel()
    for dtype in ("int8", "float32"):
        for shape in SHAPES:
            zp = int(rng.choice([-128, 127, int(rng.integers(-100, 100))]))
            q = (0.05, zp) if dtype == "int8" else (None, None)
            out_q = (1 / 128, 0) if dtype == "int8" else (None, None)
            x = b.input("x", shape, dtype, *q)
            y = b.output("y", shape, dtype, *out_q)
            b.op("L2_NORMALIZATION", [x], [y], ("L2NormOptions", {"fusedActivationFunction": "NONE"}))
    samples = b.random_samples(rng, 4)
    # Rows at the zero point (int8: squares sum to 0) and small-magnitude rows.
    samples.append([np.full(b.tensors[i].shape, b.tensors[i].zero_points[0] if b.tensors[i].dtype == "int8" else 0.0,
                            np.dtype(b.tensors[i].dtype)) for i in b.inputs])
    samples.append([(rng.integers(-2, 3, b.tensors[i].shape) + (b.tensors[i].zero_points[0]
                     if b.tensors[i].dtype == "int8" else 0)).clip(-128, 127).astype(np.dtype(b.tensors[i].dtype))
                    for i in b.inputs])
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    bad = [
        f"sample {r.index} output {o.index}: {o.vs_tflm.mismatches} differ, max {o.vs_tflm.max_diff} {o.vs_tflm.unit}"
        for r in results for o in r.outputs if o.vs_tflm.max_diff != 0
    ]
    assert not bad, "L2_NORMALIZATION differs from TFLM: " + "; ".join(bad[:8])
