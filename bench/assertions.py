"""Budget assertions on bench results, usable from any test (pytest, Robot, plain Python).

    from tflm_bench.assertions import assert_instructions_within, assert_layer_within

    results = session.run_samples(session.random_samples(8, seed=1))
    assert_instructions_within(results, 5_000)
    assert_layer_within(results, layer=1, budget=3_500)
    assert_layer_within(results, layer=1, budget=4_500, metric="estimated_cycles")

Each raises AssertionError naming the worst input, its figure and the budget.

Against a baseline file (`tflm-bench baseline save`), with the run's report:

    from tflm_bench.assertions import assert_matches_baseline

    report = session.report(results)
    assert_matches_baseline(report, "bench-baseline.json", tolerance="instructions=1%")
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Literal

from .baseline import Baseline, Comparison, Tolerance, compare, parse_tolerance
from .report import BenchReport, InputResult

Metric = Literal["instructions", "estimated_cycles"]


def _results(results: Iterable[InputResult]) -> list[InputResult]:
    listed = list(results)
    if not listed:
        raise AssertionError("no results to check: run at least one input first")
    return listed


def _total(result: InputResult, metric: Metric) -> int:
    if metric == "instructions":
        return result.instructions
    if result.estimated_cycles is None:
        raise AssertionError(
            f"input {result.index} has no estimated cycles: this engine has no cycle model "
            f"(the built-in engine has one)"
        )
    return result.estimated_cycles


def _layer(result: InputResult, layer: int, metric: Metric) -> int:
    values = result.layer_instructions if metric == "instructions" else result.layer_estimated_cycles
    if values is None:
        raise AssertionError(f"input {result.index} has no per-layer estimated cycles on this engine")
    if not 0 <= layer < len(values):
        raise AssertionError(f"layer {layer} does not exist: the model has {len(values)} layers")
    return values[layer]


def assert_instructions_within(results: Iterable[InputResult], budget: int) -> None:
    """Every inference executed at most budget instructions."""
    _assert_within(results, budget, "instructions")


def assert_estimated_cycles_within(results: Iterable[InputResult], budget: int) -> None:
    """Every inference took at most budget estimated Cortex-M4 cycles (a model)."""
    _assert_within(results, budget, "estimated_cycles")


def _assert_within(results: Iterable[InputResult], budget: int, metric: Metric) -> None:
    listed = _results(results)
    worst = max(listed, key=lambda r: _total(r, metric))
    value = _total(worst, metric)
    if value > budget:
        raise AssertionError(
            f"input {worst.index} took {value:,} {metric.replace('_', ' ')} per inference, over "
            f"the budget of {budget:,}"
        )


def assert_layer_within(
    results: Iterable[InputResult], layer: int, budget: int, metric: Metric = "instructions"
) -> None:
    """Layer `layer` (0-based, execution order) stayed within budget on every input."""
    listed = _results(results)
    worst = max(listed, key=lambda r: _layer(r, layer, metric))
    value = _layer(worst, layer, metric)
    if value > budget:
        raise AssertionError(
            f"layer {layer} took {value:,} {metric.replace('_', ' ')} on input {worst.index}, "
            f"over its budget of {budget:,}"
        )


def assert_matches_baseline(
    report: BenchReport, baseline: Baseline | Path | str, tolerance: Tolerance | str | None = None
) -> Comparison:
    """No figure of `report` regressed beyond `tolerance` against its entry in `baseline`.

    Raises AssertionError listing every regression (metric, layer, old -> new); returns the
    comparison otherwise (its `improvements` and `notes` say what else changed). A baseline
    without this model raises BaselineError: that is a set-up problem, not a regression.
    """
    loaded = baseline if isinstance(baseline, Baseline) else Baseline.load(Path(baseline))
    limits = tolerance if isinstance(tolerance, Tolerance) else parse_tolerance(tolerance)
    comparison = compare(report, loaded, limits)
    assert_no_regressions(comparison)
    return comparison


def assert_no_regressions(comparison: Comparison) -> None:
    """Raise AssertionError listing the comparison's regressions, if any (notes appended)."""
    if not comparison.passed:
        # One line each: pytest shows the message as it is, and a long one is unreadable.
        raise AssertionError("\n".join([
            f"{len(comparison.regressions)} regression(s) against the baseline:",
            *(f"  {c.describe()}" for c in comparison.regressions),
            *(f"  note: {n}" for n in comparison.notes),
        ]))
