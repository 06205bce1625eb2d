"""Every model in models/ on the emulated device with each kernel set: bit-exact with TFLM on
20 seeded inputs each.

Integer outputs must be identical; float32 outputs (models with float edges) must lie within
compare.FLOAT_TOLERANCE_ULP. Firmware builds are cached by the build driver, so a rerun only
emulates.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from support.model_files import LIGHT_MODELS
from tflm_bench.compare import FLOAT_TOLERANCE_ULP
from tflm_bench.generator import KernelSet
from tflm_bench.session import BenchOptions, BenchSession

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
MODELS = LIGHT_MODELS  # the heavy float models: test_big_float_models.py
SAMPLES = 20


@pytest.mark.parametrize("kernels", tuple(KernelSet), ids=str)
@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_model_matches_tflm(model: Path, kernels: KernelSet, bench_options: BenchOptions) -> None:
    options = replace(bench_options, compare_tflite=False, kernels=kernels)
    with BenchSession(model, options) as session:
        results = session.run_samples(session.random_samples(SAMPLES, seed=7))
    assert len(results) == SAMPLES
    problems = [
        f"input {r.index} output {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
        for r in results for o in r.outputs if not o.vs_tflm.within_tolerance
    ]
    assert not problems, (f"{model.name} ({kernels} kernels) differs from TFLM (float tolerance "
                          f"{FLOAT_TOLERANCE_ULP} ULP): " + "; ".join(problems[:6]))
    integer_misses = [r.index for r in results for o in r.outputs if o.vs_tflm.unit == "LSB" and not o.vs_tflm.exact]
    assert not integer_misses
    assert all(r.instructions > 0 for r in results)
