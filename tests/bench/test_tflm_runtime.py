"""The tflm runtime: the user's TFLM library behind the bench shell, checked against host TFLM.

Needs a library: TFLM_LIB=.../libtensorflow-microlite.a and TFLM_INCLUDE=ROOT:FLATBUFFERS:GEMMLOWP
(or --bench-tflm-lib / --bench-tflm-include); without one every test here skips, saying so.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from support.model_files import LIGHT_MODELS
from tflm_bench.cli import main
from tflm_bench.generator import Runtime
from tflm_bench.session import BenchOptions, BenchSession, TflmStartError, run_bench

MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
MODELS = LIGHT_MODELS  # the heavy float models: test_big_float_models.py


@pytest.fixture(scope="module")
def tflm(bench_tflm_options: BenchOptions) -> BenchOptions:
    return bench_tflm_options


def test_sine_runs_bit_exact_with_per_operator_counts_and_the_arena(tflm: BenchOptions) -> None:
    report = run_bench(MODELS_DIR / "sine_int8.tflite", count=8, seed=3, options=tflm)
    assert report.all_bit_exact
    assert report.config.runtime == "tflm"
    library = report.config.tflm_library
    assert library is not None and len(library["sha256"]) == 64 and library["path"] == str(tflm.tflm.library.path)  # type: ignore[union-attr]
    first = report.results[0]
    assert len(first.layer_instructions) == 3 and all(count > 0 for count in first.layer_instructions)
    assert sum(first.layer_instructions) < first.instructions
    arena = report.arena
    assert arena is not None and arena.method == "searched"
    assert 0 < arena.probe_used_bytes <= arena.smallest_bytes == arena.given_bytes == report.memory.arena_bytes  # type: ignore[operator]
    assert "kTensorArenaSize" in report.format_text()
    assert json.loads(report.to_json())["arena"]["smallest_bytes"] == arena.smallest_bytes


@pytest.mark.parametrize("model", MODELS, ids=[m.stem for m in MODELS])
def test_every_model_matches_host_tflm(model: Path, tflm: BenchOptions) -> None:
    report = run_bench(model, count=2, seed=1, options=tflm)
    assert report.all_passed, report.format_text()
    first = report.results[0]
    assert len(first.layer_instructions) == len(report.layers) and all(c > 0 for c in first.layer_instructions)
    assert report.arena is not None and report.arena.used_bytes > 0


def test_an_operator_our_runtime_lacks_runs_on_tflm(unsupported_op_model: Path, tflm: BenchOptions) -> None:
    if "CEIL" not in tflm.tflm.library.registrations:  # type: ignore[union-attr]
        pytest.skip("this TFLM library has no CEIL kernel")
    report = run_bench(unsupported_op_model, count=2, options=tflm)
    assert [layer.op_name for layer in report.layers] == ["FULLY_CONNECTED", "CEIL"]
    assert all(c > 0 for r in report.results for c in r.layer_instructions)
    # CEIL of FULLY_CONNECTED's float output: whole numbers, the same on the device's TFLM and the host's.
    assert all(o.vs_tflm.within_tolerance for r in report.results for o in r.outputs), report.format_text()


def test_a_given_arena_is_used_and_one_too_small_is_refused(tflm: BenchOptions) -> None:
    sine = MODELS_DIR / "sine_int8.tflite"
    roomy = run_bench(sine, count=1, options=replace(tflm, arena_bytes=4096))
    assert roomy.arena is not None and (roomy.arena.method, roomy.arena.given_bytes) == ("given", 4096)
    with pytest.raises(TflmStartError, match="AllocateTensors"):
        BenchSession(sine, replace(tflm, arena_bytes=256)).start()


def test_generated_and_tflm_builds_have_different_keys(tflm: BenchOptions) -> None:
    sine = MODELS_DIR / "sine_int8.tflite"
    ours = BenchSession(sine, replace(tflm, runtime=Runtime.GENERATED, tflm=None)).build()
    theirs = BenchSession(sine, replace(tflm, arena_bytes=4096)).build()
    assert ours.build_dir != theirs.build_dir and theirs.runtime is Runtime.TFLM


def test_compare_prints_every_variant_and_writes_json(tflm: BenchOptions, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    library = str(tflm.tflm.library.path)  # type: ignore[union-attr]
    includes = [a for d in tflm.tflm.include_dirs for a in ("--tflm-include", str(d))]  # type: ignore[union-attr]
    out = tmp_path / "ab.json"
    code = main(["compare", str(MODELS_DIR / "sine_int8.tflite"), "--tflm-lib", library, *includes,
                 "--count", "2", "--json", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text
    assert "generated/optimized" in text and "generated/reference" in text and "tflm/" in text
    data = json.loads(out.read_text())
    assert [v["runtime"] for v in data["variants"]] == ["generated", "generated", "tflm"]
    assert all(v["bit_exact"] for v in data["variants"])
    assert data["variants"][2]["tflm_arena_used_bytes"] > 0 and data["variants"][2]["library"]["sha256"]


def test_a_library_built_with_logs_links_and_runs(tflm: BenchOptions) -> None:
    """TFLM's default and release_with_logs builds keep assert() and logging, which pull newlib's
    malloc and system calls (_sbrk, _write, _exit, ...) into the link: the runner supplies them.

    Set TFLM_LIB_WITH_LOGS to such a library (TFLM's Makefile, BUILD_TYPE=default)."""
    import os

    from tflm_bench.generator.build.tflm import MICRO_PRINTF

    library = os.environ.get("TFLM_LIB_WITH_LOGS")
    if not library:
        pytest.skip("no library built with logs given: set TFLM_LIB_WITH_LOGS (BUILD_TYPE=default)")
    options = BenchOptions(runtime=Runtime.TFLM, tflm_lib=Path(library), tflm_include=tflm.tflm_include,
                           build_root=tflm.build_root)
    assert options.tflm is not None and options.tflm.library.defines(MICRO_PRINTF)  # logging kept
    report = run_bench(MODELS_DIR / "sine_int8.tflite", count=2, seed=3, options=options)
    assert report.all_bit_exact
