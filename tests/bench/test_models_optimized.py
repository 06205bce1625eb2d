"""Every model in models/ built with the optimized kernel set: bit-exact with TFLM on 20 inputs.

The optimized kernels (DSP-extension int8 code, generation-time folding) must give exactly
TFLM's integer outputs; float32 outputs (models with float edges) lie within
compare.FLOAT_TOLERANCE_ULP, as for the reference set (tests/bench/test_models.py).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tflm_bench.compare import FLOAT_TOLERANCE_ULP
from tflm_bench.session import BenchOptions, BenchSession

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
MODELS = sorted(MODELS_DIR.glob("*.tflite"))
SAMPLES = 20


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_model_matches_tflm_with_optimized_kernels(model: Path, bench_options: BenchOptions) -> None:
    options = BenchOptions(engine=bench_options.engine, platform=bench_options.platform,
                           build_root=bench_options.build_root, compare_tflite=False, kernels="optimized")
    with BenchSession(model, options) as session:
        results = session.run_samples(session.random_samples(SAMPLES, seed=7))
    assert len(results) == SAMPLES
    problems = [
        f"input {r.index} output {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
        for r in results for o in r.outputs if not o.vs_tflm.within_tolerance
    ]
    assert not problems, (f"{model.name} (optimized kernels) differs from TFLM (float tolerance "
                          f"{FLOAT_TOLERANCE_ULP} ULP): " + "; ".join(problems[:6]))
    integer_misses = [r.index for r in results for o in r.outputs if o.vs_tflm.unit == "LSB" and not o.vs_tflm.exact]
    assert not integer_misses
