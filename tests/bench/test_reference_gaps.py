"""Operators TFLM runs that TFLite's reference interpreter has no kernel for at any version (CEIL,
ROUND, ELU: OpHandler.reference_knows False): the intake accepts them, the run compares with
TFLM alone, and the report says so (never hidden)."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from support.layer_models import LayerModel
from support.tflite_builder import build_tflite
from tflm_bench.generator import read_model, reference_gaps, validate_model
from tflm_bench.session import BenchOptions, BenchSession


def _model() -> bytes:
    b = LayerModel()
    b.op("ELU", [b.input("x", (8,), "int8", 0.05, 3)], [b.output("y", (8,), "int8", 0.04, -10)])
    b.op("RELU", [b.input("r", (8,), "float32")], [b.output("z", (8,), "float32")])
    b.op("CEIL", [b.input("c", (8,), "float32")], [b.output("w", (8,), "float32")])
    return build_tflite(b.spec())


def test_reference_gaps_lists_the_operators_tflite_lacks_in_first_use_order() -> None:
    model = read_model(_model())
    validate_model(model)  # the version gate lets them through
    assert reference_gaps(model) == ("ELU", "CEIL")


def test_a_model_with_them_is_compared_with_tflm_only_and_the_report_says_so(
        tmp_path: Path, bench_options: BenchOptions) -> None:
    path = tmp_path / "gaps.tflite"
    path.write_bytes(_model())
    with BenchSession(path, replace(bench_options, compare_tflite=True)) as session:
        results = session.run_samples(session.random_samples(2, seed=4))
        report = session.report(results)
    assert all(o.vs_tflm.exact for r in results for o in r.outputs)
    assert all(o.vs_tflite_ref is None for r in results for o in r.outputs)
    note = next(w for w in report.warnings if "TFLite BUILTIN_REF" in w)
    assert "has no kernel for ELU, CEIL at any version" in note and "compared with TFLM only" in note
