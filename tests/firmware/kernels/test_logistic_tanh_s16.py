"""int16 LOGISTIC and TANH on the emulated device against host TFLM, in one firmware: each op at
the scales TFLM treats apart (Q3.12 for both, Q4.11 for TANH: the "power of two" shortcut) and
at seeded random scales from 1e-6 to 2.5 (its general input multiplier and shift), inputs over
the whole int16 range with both ends and zero (most inputs saturate at the large scales, few at
the small ones), two samples."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

SIZE = 600
FIXED_SCALES = {"LOGISTIC": (2.0 ** -12, 2.0 ** -11), "TANH": (2.0 ** -12, 2.0 ** -11, 2.0 ** -13)}
RANDOM_SCALES = 4


def _scales(rng: np.random.Generator, op: str) -> list[float]:
    drawn = 10.0 ** rng.uniform(-6.0, np.log10(2.5), RANDOM_SCALES)
    return [*FIXED_SCALES[op], *(float(np.float32(s)) for s in drawn)]


def _model(rng: np.random.Generator) -> LayerModel:
    b = LayerModel()
    for op in ("LOGISTIC", "TANH"):
        for scale in _scales(rng, op):
            x = b.input(f"{op.lower()}_in", (SIZE,), "int16", scale, 0)
            y = b.output(f"{op.lower()}_out", (SIZE,), "int16", 2.0 ** -15, 0)
            b.op(op, [x], [y])
    return b


def _sample(rng: np.random.Generator, count: int) -> list[np.ndarray]:
    out = []
    for _ in range(count):
        x = rng.integers(-32768, 32768, SIZE)
        x[: SIZE // 3] = rng.integers(-600, 601, SIZE // 3)  # the curved middle at the small scales
        x[:3] = (-32768, 32767, 0)
        out.append(x.astype(np.int16))
    return out


def test_logistic_tanh_s16_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(16)
    b = _model(rng)
    samples = [_sample(rng, len(b.inputs)) for _ in range(2)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "int16 LOGISTIC and TANH")
