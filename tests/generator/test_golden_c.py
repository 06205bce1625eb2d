"""The generated C for the sine model, both kernel sets, byte for byte against the checked-in copy.

A change to the generator or its templates that alters the output shows up here as a diff a
reviewer can read. After an intended change, regenerate with
`TFLM_BENCH_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/generator/test_golden_c.py`.
"""
from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from tflm_bench.generator import KernelSet
from tflm_bench.generator.codegen import generate_c
from tflm_bench.generator.ops.registry import scratch_requests
from tflm_bench.generator.planner import plan_arena
from tflm_bench.generator.tflite_reader import read_tflite

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("TFLM_BENCH_UPDATE_GOLDEN") == "1"


def _golden_name(path: Path) -> str:
    return path.name + ".golden"  # not .c: the copies are data, not sources of this project


@pytest.mark.parametrize("kernels", tuple(KernelSet), ids=str)
def test_sine_model_c_matches_golden(sine_model: Path, kernels: KernelSet, tmp_path: Path) -> None:
    model = read_tflite(sine_model)
    plan = plan_arena(model, scratch=scratch_requests(model, kernels))
    written = generate_c(model, plan, tmp_path, kernels)
    folder = GOLDEN / f"sine_int8-{kernels}"
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for path in written:
            (folder / _golden_name(path)).write_bytes(path.read_bytes())
    assert sorted(p.name for p in folder.iterdir()) == sorted(_golden_name(p) for p in written)
    for path in written:
        expected = (folder / _golden_name(path)).read_text()
        actual = path.read_text()
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"golden/{folder.name}/{path.name}", "generated", n=2))
        assert actual == expected, f"generated {path.name} differs from the golden copy:\n{diff[:4000]}"
