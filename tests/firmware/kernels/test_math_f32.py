"""Unary float32 math (ABS, NEG, EXP, LOG, SQRT, RSQRT, SQUARE, SIN, COS, FLOOR) and LOG_SOFTMAX
on the emulated device against TFLM.

Tolerances, in ULP (tflm_bench.compare.difference):
- ABS, NEG, SQUARE, FLOOR, SQRT, RSQRT: 0. One IEEE operation each (sqrtf is correctly rounded
  on the Cortex-M4F's VSQRT and in glibc; RSQRT is 1/sqrt, two correctly rounded operations).
- EXP, LOG, SIN, COS: at most 4 (FLOAT_TOLERANCE_ULP): the device's newlib libm (double precision for
  SIN and COS, whose newlib float versions stray further) and the host's
  glibc are each within an ULP or two of the true value.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import run_on_device
from support.tflite_builder import build_tflite
from tflm_bench.compare import FLOAT_TOLERANCE_ULP

EXACT = 0
# op, input range, tolerance, values every sample also holds (edge values of the domain)
OPS = (
    ("ABS", (-8.0, 8.0), EXACT, (0.0, -0.0, -3e38, 1e-40)),
    ("NEG", (-8.0, 8.0), EXACT, (0.0, -0.0, np.inf, -1e-40)),
    ("SQUARE", (-1e4, 1e4), EXACT, (2e19, -0.0, 1e-30)),
    ("FLOOR", (-8.0, 8.0), EXACT, (-0.5, 0.5, -0.0, 2.0, -2.0, 1e30, -1e-40)),
    ("SQRT", (0.0, 1e4), EXACT, (0.0, 1e-40, 3e38, 2.0)),
    ("RSQRT", (1e-6, 1e4), EXACT, (1e-40, 3e38, 4.0)),
    ("EXP", (-30.0, 30.0), FLOAT_TOLERANCE_ULP, (0.0, -100.0, 88.0, 1e-7)),
    ("LOG", (1e-6, 1e6), FLOAT_TOLERANCE_ULP, (1.0, 1e-40, 3e38, 2.718282)),
    ("SIN", (-200.0, 200.0), FLOAT_TOLERANCE_ULP, (0.0, -0.0, 3.1415927, 1e-6, 1e5, -3e4)),
    ("COS", (-200.0, 200.0), FLOAT_TOLERANCE_ULP, (0.0, 3.1415927, 1.5707964, -6.0, 1e5, -3e4)),
)
SHAPES = ((4, 9), (2, 3, 5))


def _model() -> LayerModel:
    b = LayerModel()
    for k, (op, _, _, _) in enumerate(OPS):
        shape = SHAPES[k % len(SHAPES)]
        b.op(op, [b.input("x", shape, "float32")], [b.output("y", shape, "float32")])
    return b


def test_math_f32_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b = _model()
    rng = np.random.default_rng(5)
    samples = []
    for _ in range(3):
        sample = []
        for k, (_, (low, high), _, edges) in enumerate(OPS):
            values = rng.uniform(low, high, SHAPES[k % len(SHAPES)]).astype(np.float32)
            values.reshape(-1)[: len(edges)] = edges
            sample.append(values)
        samples.append(sample)
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    bad = [
        f"sample {r.index} {OPS[o.index][0]}: {o.vs_tflm.mismatches} differ, max {o.vs_tflm.max_diff} "
        f"{o.vs_tflm.unit} (allowed {OPS[o.index][2]})"
        for r in results for o in r.outputs if o.vs_tflm.max_diff > OPS[o.index][2]
    ]
    assert not bad, "float32 math differs from TFLM beyond tolerance: " + "; ".join(bad[:8])
    assert sum(len(r.outputs) for r in results) == 3 * len(OPS)


def test_log_softmax_f32_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    """LOG_SOFTMAX over the last dimension: its expf/logf are libm's, so within the tolerance."""
    b = LayerModel()
    shapes = ((3, 10), (2, 2, 7), (1, 1), (5,))
    for shape in shapes:
        b.op("LOG_SOFTMAX", [b.input("x", shape, "float32")], [b.output("y", shape, "float32")])
    rng = np.random.default_rng(8)
    samples = [[rng.uniform(-scale, scale, s).astype(np.float32) for s in shapes] for scale in (1.0, 10.0, 80.0)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    bad = [f"sample {r.index} output {o.index}: max {o.vs_tflm.max_diff} {o.vs_tflm.unit}"
           for r in results for o in r.outputs if o.vs_tflm.max_diff > FLOAT_TOLERANCE_ULP]
    assert not bad, "LOG_SOFTMAX differs from TFLM beyond tolerance: " + "; ".join(bad)
    assert sum(len(r.outputs) for r in results) == 3 * len(shapes)
