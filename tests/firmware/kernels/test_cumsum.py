"""CUMSUM (float32 and int8) on the emulated device against TFLM: random shapes up to rank 4,
random (also negative) axes, every exclusive / reverse combination, random int8 quantization
(output scales that keep 2 s_in / (2^20 s_out) below 1, TFLM's limit); one model. int8
bit-exact, float32 0 ULP (the same running sums in the same order)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import run_on_device
from support.tflite_builder import build_tflite

LAYERS = 8  # per type


def test_cumsum_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(404)
    b = LayerModel()
    for dtype in ("int8", "float32"):
        for k in range(LAYERS):
            rank = int(rng.integers(1, 5))
            shape = tuple(int(d) for d in rng.integers(1, 6, rank))
            axis = int(rng.integers(-rank, rank))
            exclusive, reverse = bool(k & 1), bool(k & 2)
            if dtype == "int8":
                s_in = float(2.0 ** rng.uniform(-8, 0))
                in_q = (s_in, int(rng.integers(-128, 128)))
                out_q = (s_in * float(rng.uniform(0.5, 8.0)), int(rng.integers(-128, 128)))
            else:
                in_q = out_q = (None, None)
            x = b.input("x", shape, dtype, *in_q)
            a = b.tensor("axis", (1,), "int32", data=np.array([axis], np.int32))
            y = b.output("y", shape, dtype, *out_q)
            b.op("CUMSUM", [x, a], [y], ("CumsumOptions", {"exclusive": exclusive, "reverse": reverse}))
    samples = b.random_samples(rng, 4)
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    bad = [
        f"sample {r.index} output {o.index}: {o.vs_tflm.mismatches} differ, max {o.vs_tflm.max_diff} {o.vs_tflm.unit}"
        for r in results for o in r.outputs if o.vs_tflm.max_diff != 0
    ]
    assert not bad, "CUMSUM differs from TFLM: " + "; ".join(bad[:8])
