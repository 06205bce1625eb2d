"""Run a model on the emulated device and compare every output with TFLM."""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from tflm_bench.report import InputResult
from tflm_bench.session import BenchOptions, BenchSession


def run_on_device(
    model_bytes: bytes, samples: list[list[np.ndarray]], workdir: Path, options: BenchOptions
) -> list[InputResult]:
    """Build `model_bytes` into firmware, boot it, run every sample; results carry the TFLM verdict."""
    path = Path(workdir) / f"model-{hashlib.sha256(model_bytes).hexdigest()[:12]}.tflite"
    path.write_bytes(model_bytes)
    session_options = BenchOptions(
        engine=options.engine, platform=options.platform, build_root=options.build_root, compare_tflite=False,
        kernels=options.kernels, optimize=options.optimize
    )
    with BenchSession(path, session_options) as session:
        return session.run_samples(samples)


def assert_bit_exact(results: list[InputResult], what: str) -> None:
    bad = [
        f"sample {r.index} output {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
        for r in results for o in r.outputs if not o.vs_tflm.exact
    ]
    assert not bad, f"{what}: device differs from TFLM: " + "; ".join(bad[:8])
