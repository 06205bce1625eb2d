"""The two float32 models of issue 12's memory target on the emulated board, within 256 KiB RAM.

cnn84_float (84x84x1, 3x3x16 conv + 2x2 max-pool: TFLM plans 537,920 B) fits only because its
conv + pool pairs run banded (generator/fusion.py); mobilenet_v1_025_float (96x96x3) because the
planner reaches its lower bound. Both run 60-85 million instructions per inference, so each case
runs one input (tests/support/model_files.py keeps them out of the many-input sweeps).
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from support.model_files import HEAVY_MODELS, MODELS_DIR
from tflm_bench.cli import main
from tflm_bench.compare import FLOAT_TOLERANCE_ULP
from tflm_bench.exit_codes import ExitCode
from tflm_bench.generator import KernelSet
from tflm_bench.memory import tflm_arena
from tflm_bench.session import BenchOptions, BenchSession

RAM_BYTES = 256 * 1024


def test_the_heavy_models_are_committed() -> None:
    assert sorted(m.stem for m in HEAVY_MODELS) == ["cnn84_float", "mobilenet_v1_025_float"]


@pytest.mark.parametrize("kernels", tuple(KernelSet), ids=str)
@pytest.mark.parametrize("model", HEAVY_MODELS, ids=[m.stem for m in HEAVY_MODELS])
def test_big_float_model_runs_within_ram(model: Path, kernels: KernelSet, bench_options: BenchOptions) -> None:
    options = replace(bench_options, compare_tflite=False, kernels=kernels)
    with BenchSession(model, options) as session:
        image = session.build()
        results = session.run_samples(session.random_samples(1, seed=5))
    memory = image.memory
    assert memory.ram_limit == RAM_BYTES
    assert memory.ram_bytes <= RAM_BYTES, f"{model.name}: RAM {memory.ram_bytes} B (arena {memory.arena_bytes} B)"
    tflm = tflm_arena(model.read_bytes())
    assert memory.arena_bytes < tflm.head, f"{model.name}: arena {memory.arena_bytes} B, TFLM's {tflm.head} B"
    problems = [f"output {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} {o.vs_tflm.unit})"
                for r in results for o in r.outputs if not o.vs_tflm.within_tolerance]
    assert not problems, f"{model.name} ({kernels}) vs TFLM beyond {FLOAT_TOLERANCE_ULP} ULP: {problems}"


def test_cnn84_needs_the_fusion_to_fit() -> None:
    """Without fusion the plan is TFLM's 537,920 B, over the whole RAM; fused, both conv + pool pairs run banded."""
    from tflm_bench.generator.planner import plan_arena
    from tflm_bench.generator.tflite_reader import read_tflite

    model = read_tflite((MODELS_DIR / "cnn84_float.tflite").read_bytes())
    unfused, fused = plan_arena(model, fuse=False), plan_arena(model)
    assert unfused.arena_bytes > RAM_BYTES
    assert [(f.conv_op, f.pool_op) for f in fused.fusions] == [(0, 1), (2, 3)]
    assert fused.arena_bytes < RAM_BYTES * 0.6


def test_cli_build_prints_ram_within_the_board(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(MODELS_DIR / "cnn84_float.tflite")]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "/ 262,144 B" in out and "RAM" in out
    assert "layers 0+1 CONV_2D + MAX_POOL_2D fused: band 10,496 B instead of the 430,336 B conv output" in out
