"""Baselines: tolerances, the file format, which entry a run is compared with, regressions; the
CLI's `baseline save`, `run --baseline` and `--update-baseline`; the pytest fixture."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from support.reports import MISMATCH, SHA, result, synthetic_report
from tflm_bench.assertions import assert_matches_baseline
from tflm_bench.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    ToleranceError,
    compare,
    entry_from_report,
    parse_tolerance,
    update,
)
from tflm_bench.cli import main

ROOT = Path(__file__).resolve().parents[2]
SINE = ROOT / "models" / "sine_int8.tflite"


# -- tolerances -----------------------------------------------------------------------------------

def test_tolerance_defaults_and_overrides() -> None:
    default = parse_tolerance(None)
    assert str(default) == "instructions=1%,cycles=1%,arena=0,flash=0,ram=0,accuracy=0.5pp,energy=1%"
    tolerance = parse_tolerance(" instructions=2.5% , flash=64,accuracy=1pp")
    assert tolerance["instructions"].allowed(1000) == pytest.approx(25)
    assert tolerance["flash"].allowed(10_000) == 64
    assert tolerance["accuracy"].allowed(0.9) == pytest.approx(0.01)
    assert tolerance["cycles"] == default["cycles"]  # unnamed metrics keep their defaults


@pytest.mark.parametrize("text, message", [
    ("instructions", "is not METRIC=NUMBER"),
    ("instructions=fast", "is not METRIC=NUMBER"),
    ("instructions=-1%", "is not METRIC=NUMBER"),
    ("speed=1%", "unknown metric 'speed'; known: instructions, cycles, arena, flash, ram, accuracy"),
    ("instructions=1pp", "instructions takes '%' or a plain number"),
    ("accuracy=1%", "accuracy takes 'pp'"),
])
def test_tolerance_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ToleranceError, match=message):
        parse_tolerance(text)


# -- the file -------------------------------------------------------------------------------------

def test_entries_record_the_worst_input_and_the_file_is_sorted_and_stable(tmp_path: Path) -> None:
    report = synthetic_report()
    entry = entry_from_report(report)
    assert entry.instructions == 460 and entry.estimated_cycles == 695  # input 0 is the worst: 450+10, 675+20
    assert [(l.instructions, l.estimated_cycles) for l in entry.layers] == [(104, 156), (300, 450), (50, 75)]
    assert [l.label for l in entry.layers][0] == "layer 0 CONV_2D model/conv"
    assert entry.verdict == "pass" and entry.accuracy is None and entry.configuration.kernels == "optimized"

    path = tmp_path / "b.json"
    update(path, synthetic_report(kernels="reference"))
    update(path, report)
    first = path.read_text()
    update(path, report)  # re-recording the same figures changes nothing
    assert path.read_text() == first
    data = json.loads(first)
    assert data["format"] == "tflm-bench-baseline" and data["version"] == 1
    assert [e["configuration"]["kernels"] for e in data["entries"]] == ["optimized", "reference"]
    assert list(data["entries"][0]) == sorted(data["entries"][0])  # keys sorted: diff-friendly
    assert data["entries"][0]["accuracy"] is None  # the slot is there
    assert Baseline.load(path).entries[0] == entry


@pytest.mark.parametrize("content, message", [
    (None, "no baseline file"),
    ("{not json", "cannot read baseline"),
    ('{"entries": []}', "is not a tflm-bench baseline"),
    ('{"format": "tflm-bench-baseline", "version": 9}', "baseline version 9"),
    ('{"format": "tflm-bench-baseline", "version": 1, "entries": [{"model": "x"}]}', "malformed baseline entry"),
])
def test_unusable_files_are_baseline_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BaselineError, match=message):
        Baseline.load(path)


# -- matching -------------------------------------------------------------------------------------

def test_the_same_configuration_is_preferred_and_another_one_is_a_note() -> None:
    baseline = Baseline([entry_from_report(synthetic_report(kernels="reference")),
                         entry_from_report(synthetic_report(kernels="optimized"))])
    entry, notes = baseline.match(entry_from_report(synthetic_report(kernels="optimized")))
    assert entry.configuration.kernels == "optimized" and notes == []
    only_optimized = Baseline([entry_from_report(synthetic_report(kernels="optimized"))])
    entry, notes = only_optimized.match(entry_from_report(synthetic_report(kernels="reference")))
    assert entry.configuration.kernels == "optimized"
    assert notes and "kernels optimized -> reference" in notes[0]


def test_a_changed_model_is_matched_by_name_and_an_unknown_one_is_an_error() -> None:
    baseline = Baseline([entry_from_report(synthetic_report())])
    entry, notes = baseline.match(entry_from_report(synthetic_report(sha="ef" * 32)))
    assert entry.model_sha256 == SHA and "changed since the baseline" in notes[0]
    with pytest.raises(BaselineError, match=r"no entry for model other.tflite .* it has: tiny.tflite \[kernels=optimized"):
        baseline.match(entry_from_report(synthetic_report(model="other.tflite", sha="ef" * 32)))


# -- comparing ------------------------------------------------------------------------------------

def _slower(factor: float, layer: int = 1):  # type: ignore[no-untyped-def]
    layers = [100, 300, 50]
    layers[layer] = int(layers[layer] * factor)
    return synthetic_report((result(0, tuple(layers)), result(1, (104, 296, 50))))


def test_identical_figures_pass_with_every_check_listed() -> None:
    comparison = compare(synthetic_report(), Baseline([entry_from_report(synthetic_report())]))
    assert comparison.passed and not comparison.improvements
    names = [c.name for c in comparison.checks]
    assert names == ["baseline: verdict", "baseline: instructions per inference", "baseline: estimated cycles per inference",
                     "baseline: per-layer instructions", "baseline: per-layer estimated cycles",
                     "baseline: arena bytes", "baseline: flash bytes", "baseline: RAM bytes"]
    assert all(c.passed and not c.skipped for c in comparison.checks)


def test_a_regression_names_metric_layer_and_old_new() -> None:
    baseline = Baseline([entry_from_report(synthetic_report())])
    comparison = compare(_slower(1.10), baseline, parse_tolerance("instructions=1%,cycles=50%"))
    assert not comparison.passed
    described = [c.describe() for c in comparison.regressions]
    assert described == [
        "instructions per inference: 460 -> 490 (+30, +6.5%, tolerance 1%)",
        "layer 1 FULLY_CONNECTED model/dense|x instructions: 300 -> 330 (+30, +10.0%, tolerance 1%)",
    ]
    failed = [c for c in comparison.checks if not c.passed]
    assert [c.name for c in failed] == ["baseline: instructions per inference", "baseline: per-layer instructions"]
    # One count in every output: the terminal, HTML and Markdown say the same (JUnit fails the same checks).
    summary = f"2 of {len(comparison.checks)} checks failed (2 figures regressed)"
    assert f"REGRESSION: {summary}" in comparison.format_text()
    from tflm_bench.reports.html import render_html
    from tflm_bench.reports.markdown import render_markdown
    from tflm_bench.reports.junit import render_junit

    report = _slower(1.10)
    assert summary in render_html(report, comparison.checks) and summary in render_markdown(report, comparison.checks)
    assert 'failures="2"' in render_junit(report, comparison.checks).split("<testcase")[0]
    with pytest.raises(AssertionError, match="instructions per inference: 460 -> 490"):
        assert_matches_baseline(_slower(1.10), baseline, "instructions=1%,cycles=50%")


def test_within_tolerance_passes_and_improvements_are_reported() -> None:
    baseline = Baseline([entry_from_report(synthetic_report())])
    assert compare(_slower(1.10), baseline, parse_tolerance("instructions=10%,cycles=20%")).passed
    assert compare(_slower(1.10), baseline, parse_tolerance("instructions=30,cycles=100%")).passed
    assert not compare(_slower(1.10), baseline, parse_tolerance("instructions=29,cycles=100%")).passed
    faster = compare(synthetic_report((result(0, (100, 150, 50)),)), baseline)
    assert faster.passed and any("300 -> 150" in c.describe() for c in faster.improvements)
    assert "--update-baseline records them" in faster.format_text()


def test_memory_tolerances_are_bytes_and_default_to_exact() -> None:
    baseline = Baseline([entry_from_report(synthetic_report())])
    bigger = synthetic_report(memory=replace(synthetic_report().memory, arena_bytes=2_064, flash_bytes=20_100))
    comparison = compare(bigger, baseline)
    assert [c.metric for c in comparison.regressions] == ["arena bytes", "flash bytes"]
    assert compare(bigger, baseline, parse_tolerance("arena=16,flash=1%")).passed


def test_a_failing_verdict_regresses_and_missing_figures_are_skipped_checks() -> None:
    baseline = Baseline([entry_from_report(synthetic_report())])
    failing = compare(synthetic_report((result(0, vs_tflm=MISMATCH),)), baseline)
    assert "verdict: pass -> fail" in failing.regressions[0].describe()
    no_cycles = synthetic_report((replace(result(0), estimated_cycles=None, layer_estimated_cycles=None),))
    comparison = compare(no_cycles, baseline)
    skipped = {c.name for c in comparison.checks if c.skipped}
    assert skipped == {"baseline: estimated cycles per inference", "baseline: per-layer estimated cycles"}


def test_other_layers_are_noted_and_not_compared_per_layer() -> None:
    baseline = Baseline([entry_from_report(synthetic_report())])
    two_layers = synthetic_report((result(0, (100, 350)),), layers=synthetic_report().layers[:2])
    comparison = compare(two_layers, baseline)
    assert any("per-layer figures not compared" in n for n in comparison.notes)
    assert all(c.layer is None for c in comparison.regressions + comparison.improvements)


# -- the command line (the acceptance test) -----------------------------------------------

@pytest.fixture(scope="module")
def optimized_baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("baseline") / "bench-baseline.json"
    assert main(["baseline", "save", str(SINE), "-o", str(path), "--count", "3", "--kernels", "optimized"]) == 0
    return path


def _copy(path: Path, tmp_path: Path) -> Path:
    copy = tmp_path / path.name
    copy.write_text(path.read_text())
    return copy


def test_reference_kernels_regress_against_an_optimized_baseline(optimized_baseline: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    junit = tmp_path / "junit.xml"
    code = main(["run", str(SINE), "--count", "3", "--no-tflite", "--kernels", "reference",
                 "--baseline", str(optimized_baseline), "--junit", str(junit)])
    out = capsys.readouterr().out
    assert code == 1
    assert "REGRESSION" in out
    assert re.search(r"instructions per inference: [\d,]+ -> [\d,]+ \(\+", out)
    assert "kernels optimized -> reference" in out  # compared with the other configuration, noted
    assert 'name="baseline: instructions per inference"' in junit.read_text()


def test_the_same_configuration_passes(optimized_baseline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(SINE), "--count", "3", "--no-tflite", "--baseline", str(optimized_baseline)])
    out = capsys.readouterr().out
    assert code == 0 and "no regressions" in out and "note:" not in out


def test_update_baseline_records_the_run_and_then_it_passes(optimized_baseline: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    path = _copy(optimized_baseline, tmp_path)
    reference = ["run", str(SINE), "--count", "3", "--no-tflite", "--kernels", "reference", "--baseline", str(path)]
    junit = tmp_path / "junit.xml"
    assert main([*reference, "--update-baseline", "--junit", str(junit)]) == 0  # a regression does not fail an update
    out = capsys.readouterr().out
    assert "REGRESSION" in out and "added sine_int8.tflite [kernels=reference" in out
    text = junit.read_text()  # recorded, not gated: no failed checks, the change is a note
    assert 'failures="0"' in text and "baseline updated: " in text and "baseline: instructions" not in text
    kernels = [e["configuration"]["kernels"] for e in json.loads(path.read_text())["entries"]]
    assert kernels == ["optimized", "reference"]
    assert main(reference) == 0  # now compared with its own configuration's entry
    assert "no regressions" in capsys.readouterr().out


def test_a_loose_tolerance_accepts_the_reference_kernels(optimized_baseline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["run", str(SINE), "--count", "3", "--no-tflite", "--kernels", "reference", "--baseline",
                 str(optimized_baseline), "--tolerance", "instructions=1000%,cycles=1000%,flash=100%,ram=100%,arena=100%,energy=1000%"])
    assert code == 0, capsys.readouterr().out


def test_usage_errors_exit_2_with_a_message(optimized_baseline: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["run", str(SINE), "--baseline", str(optimized_baseline), "--tolerance", "instructions=lots"])
    assert exited.value.code == 2
    assert "argument --tolerance: tolerance 'instructions=lots' is not METRIC=NUMBER" in capsys.readouterr().err
    assert main(["run", str(SINE), "--update-baseline"]) == 2
    assert "--update-baseline needs --baseline FILE" in capsys.readouterr().err
    assert main(["run", str(SINE), "--baseline", str(tmp_path / "none.json")]) == 2
    assert "no baseline file" in capsys.readouterr().err
    other = tmp_path / "other.json"
    data = json.loads(optimized_baseline.read_text())
    data["entries"][0].update(model="kws.tflite", model_sha256="00" * 32)
    other.write_text(json.dumps(data))
    assert main(["run", str(SINE), "--count", "1", "--no-tflite", "--baseline", str(other)]) == 2
    err = capsys.readouterr().err
    assert "no entry for model sine_int8.tflite" in err and "kws.tflite [kernels=optimized, engine=builtin" in err


# -- the pytest fixture ---------------------------------------------------------------------------

def test_bench_baseline_fixture_compares_updates_and_skips(tmp_path: Path) -> None:
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT / 'tests')!r})
        from support.reports import synthetic_report, result

        def test_same(bench_baseline):
            bench_baseline(synthetic_report())

        def test_slower(bench_baseline):
            bench_baseline(synthetic_report((result(0, (100, 900, 50)),)))
    """))
    baseline = tmp_path / "b.json"

    def inner(*options: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir",
                               str(tmp_path), str(tmp_path / "test_inner.py"), *options],
                              capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})

    skipped = inner()
    assert "2 skipped" in skipped.stdout, skipped.stdout + skipped.stderr
    update(baseline, synthetic_report())
    compared = inner("--bench-baseline", str(baseline))
    assert "1 failed, 1 passed" in compared.stdout, compared.stdout + compared.stderr
    assert "layer 1 FULLY_CONNECTED model/dense|x instructions: 300 -> 900" in compared.stdout
    loose = inner("--bench-baseline", str(baseline), "--bench-tolerance", "instructions=500%,cycles=500%")
    assert "2 passed" in loose.stdout, loose.stdout
    bad = inner("--bench-baseline", str(baseline), "--bench-tolerance", "instructions")
    assert bad.returncode != 0 and "--bench-tolerance: tolerance 'instructions'" in bad.stdout + bad.stderr


def test_a_changed_input_or_output_type_is_a_regression_of_its_own() -> None:
    """A float model saved over the int8 one: its counts may even improve, but a sketch feeding
    int8 data to it is broken, so the I/O change fails the gate by itself."""
    from tflm_bench.io_view import IoTensor

    int8_io = (IoTensor("input", 0, "x", "int8", (1, 4), 0.1, -3), IoTensor("output", 0, "y", "int8", (1, 2), 0.5, 0))
    float_io = (IoTensor("input", 0, "x", "float32", (1, 4), 0.0, 0), int8_io[1])
    baseline = Baseline([entry_from_report(synthetic_report(io=int8_io))])
    comparison = compare(synthetic_report(io=float_io), baseline)
    assert not comparison.passed
    described = [c.describe() for c in comparison.regressions]
    assert described == ["inputs and outputs changed: input 0 int8 [1, 4] scale 0.1 zero point -3 -> "
                         "input 0 float32 [1, 4]"]
    failed = [c for c in comparison.checks if not c.passed]
    assert [c.name for c in failed] == ["baseline: inputs and outputs"]
    assert compare(synthetic_report(io=int8_io), baseline).passed
    assert compare(synthetic_report(), baseline).passed  # a run (or baseline) without I/O records skips it


def test_a_regression_message_has_one_line_per_change() -> None:
    from tflm_bench.assertions import assert_no_regressions

    baseline = Baseline([entry_from_report(synthetic_report())])
    worse = synthetic_report(results=(result(0, (900, 900, 900)),))
    with pytest.raises(AssertionError) as failure:
        assert_no_regressions(compare(worse, baseline))
    lines = str(failure.value).splitlines()
    assert lines[0].endswith("regression(s) against the baseline:") and len(lines) > 2
    assert all(line.startswith("  ") for line in lines[1:])


def test_an_energy_regression_fails_the_gate() -> None:
    """The estimate moves with the cycles and the regulator: the LDO draws about twice the current."""
    from tflm_bench.board import NRF52840_CURRENTS
    from tflm_bench.energy import EnergySettings, Regulator, estimate

    dcdc = estimate(6_400_000, 64_000_000, NRF52840_CURRENTS, EnergySettings())
    ldo = estimate(6_400_000, 64_000_000, NRF52840_CURRENTS, EnergySettings(Regulator.LDO))
    baseline = Baseline([entry_from_report(synthetic_report(energy=dcdc))])
    assert baseline.entries[0].energy_uj == pytest.approx(990.0)
    assert compare(synthetic_report(energy=dcdc), baseline).passed
    comparison = compare(synthetic_report(energy=ldo), baseline)
    assert [c.describe() for c in comparison.regressions] == [
        "energy per inference (uJ, estimated): 990.0 -> 1,890.0 (+900.0, +90.9%, tolerance 1%)"]
    assert compare(synthetic_report(energy=ldo), baseline, parse_tolerance("energy=100%")).passed


def test_a_layer_now_fused_is_named_as_fused_not_as_improved() -> None:
    """The float model's CONV_2D runs inside its MAX_POOL_2D (generator/fusion.py): its own count
    drops to almost nothing, which is not an improvement of that layer."""
    baseline = Baseline([entry_from_report(synthetic_report())])
    fused = synthetic_report(results=(result(0, (2, 398, 50)),), fused_layers=((0, 1),))
    comparison = compare(fused, baseline, parse_tolerance("instructions=100%,cycles=100%"))
    assert not [c for c in comparison.improvements if c.layer and c.layer.startswith("layer 0")]
    assert any("layer 0 CONV_2D model/conv runs fused into layer 1" in n for n in comparison.notes)
    assert entry_from_report(fused).layers[0].fused_into == 1
    again = BaselineEntry.from_json(entry_from_report(fused).to_json())
    assert again.layers[0].fused_into == 1 and again.layers[1].fused_into is None
