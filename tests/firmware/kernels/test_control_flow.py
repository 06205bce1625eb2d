"""IF, WHILE, CALL_ONCE and resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) on the
emulated device against host TFLM, with models TensorFlow's own converter made from tf.cond,
tf.while_loop and tf.Variable (tests/support/control_flow_models.py), float32 and full-integer int8.

- One model per type holding all six operators (seeded random shape, start value and loop
  bound), run over several samples in a row: the variables keep their values from one inference
  to the next on both sides, CALL_ONCE's init subgraph runs at the first one only, and the loop
  runs a different number of times per sample. The float32 one also passes a loop variable
  through the body unchanged and assigns a variable inside the body (its handle passed into the
  subgraph).
- The float32 one on the user's TFLM library too (--runtime tflm; skipped without one).
- Each smaller model through `tflm-bench run MODEL --count 3`, as the corpus test runs TFLM's
  models: host TFLM bit-exact, TFLite's reference interpreter asked too (it disagrees with TFLM on
  the int8 IF model's branch choice, which the run reports; not asserted here).
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from support.control_flow_models import BUILDERS
from support.on_device import assert_bit_exact, run_on_device

SAMPLES = 5


def _shape(seed: int) -> tuple[int, ...]:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(2, 5))
    return (1, *(int(d) for d in rng.integers(1, 6, rank - 1)))


def _samples(tflite: bytes, kind: str, shape: tuple[int, ...], seed: int) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    if kind == "int8":
        return [[rng.integers(-128, 128, shape).astype(np.int8)] for _ in range(SAMPLES)]
    return [[rng.uniform(-1.5, 1.5, shape).astype(np.float32)] for _ in range(SAMPLES)]


@pytest.mark.parametrize("kind,seed", [("float32", 3), ("int8", 8)])
def test_combined_control_flow_matches_tflm(tmp_path: Path, bench_options, kind: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("tensorflow", reason="TensorFlow makes these models (tf.cond, tf.while_loop, tf.Variable)")
    from tflm_bench.generator import read_model

    shape = _shape(seed)
    tflite = BUILDERS["combined"](shape, kind, seed)
    model = read_model(tflite)
    names = {op.name for op in model.all_operators}
    assert {"IF", "WHILE", "CALL_ONCE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE"} <= names, names
    results = run_on_device(tflite, _samples(tflite, kind, shape, seed), tmp_path, bench_options)
    assert len(results) == SAMPLES
    assert_bit_exact(results, f"combined control flow ({kind}, shape {shape})")


_CLI_MODELS = [("accumulator", "float32"), ("accumulator", "int8"), ("branches", "float32"), ("branches", "int8"),
               ("loop", "float32"), ("loop", "int8"), ("counted_loop", "float32")]


@pytest.mark.parametrize("name,kind", _CLI_MODELS)
def test_tflm_bench_run_passes(tmp_path: Path, bench_options, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
                               name: str, kind: str) -> None:
    pytest.importorskip("tensorflow", reason="TensorFlow makes these models (tf.cond, tf.while_loop, tf.Variable)")
    from tflm_bench.cli import main

    model = tmp_path / f"{name}_{kind}.tflite"
    model.write_bytes(BUILDERS[name](_shape(len(name)), kind, 1))
    report = tmp_path / "report.json"
    build = ["--build-dir", str(bench_options.build_root)] if bench_options.build_root is not None else []
    code = main(["run", str(model), "--count", "3", *build, "--json", str(report)])
    assert code == 0, capsys.readouterr()
    data = json.loads(report.read_text())
    assert data["all_bit_exact"] is True
    assert len(data["results"]) == 3


def test_tflm_runtime_runs_the_combined_model_with_resource_variables(tmp_path: Path, bench_tflm_options) -> None:  # type: ignore[no-untyped-def]
    """--runtime tflm gives TFLM's interpreter MicroResourceVariables (VAR_HANDLE needs them): the
    user's TFLM on the device matches host TFLM sample after sample, and needs a larger arena."""
    pytest.importorskip("tensorflow", reason="TensorFlow makes these models (tf.cond, tf.while_loop, tf.Variable)")
    from tflm_bench.session import run_bench

    model = tmp_path / "combined_float32.tflite"
    model.write_bytes(BUILDERS["combined"](_shape(3), "float32", 3))
    report = run_bench(model, count=3, seed=2, options=bench_tflm_options)
    assert report.all_bit_exact, report.format_text()
    assert report.arena is not None and report.arena.used_bytes > 0
