"""scripts/benchmark_kernels.py: argument handling, ratios against the issue's targets, the
whole-model table and its gate, and the per-layer list of estimated cycles lost (pure arithmetic on
made-up runs), plus one run against a real TFLM library (skipped, naming why, without one)."""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "benchmark_kernels.py"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmark_kernels", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _run(script: ModuleType, layer_cycles: tuple[int, ...] | None, macs: tuple[int, ...], arena: int = 0,
         exact: bool = True):  # type: ignore[no-untyped-def]
    return script.Run(instructions=sum(macs), estimated_cycles=None if layer_cycles is None else sum(layer_cycles),
                      layer_instructions=tuple(m + 1 for m in macs), layer_cycles=layer_cycles, macs=macs,
                      operators=tuple(range(len(macs))), arena=arena, flash=0, exact=exact)


def _result(script: ModuleType, name: str, run, baseline, problem: str = ""):  # type: ignore[no-untyped-def]
    return script.ModelResult(name, False, {"reference": run, "optimized": run} if run else {}, baseline, problem)


def _measured(script: ModuleType, instructions: int, cycles: int, arena: int):  # type: ignore[no-untyped-def]
    return script.Baseline(instructions, cycles, arena, "measured", "cmsis-nn", True)


def test_ratio_marks_a_target_miss(script: ModuleType) -> None:
    assert script.ratio(0.60, 0.60) == "0.60x"
    assert script.ratio(0.61, 0.60) == "0.61x (over)"
    assert script.ratio(None, 0.60) == "-"


def test_the_recorded_figures_are_the_ones_held(script: ModuleType) -> None:
    kws = script.TFLM_CMSIS["kws_dscnn_int8.tflite"]
    assert (kws.instructions, kws.estimated_cycles, kws.arena) == (7_697_576, 9_252_351, 22_820)
    recorded = script.recorded_baseline("ad_autoencoder_float.tflite")
    assert (recorded.arena, recorded.source) == (2_580, "recorded")
    assert script.recorded_baseline("sine_int8.tflite") is None


def test_arguments_default_to_the_environment(script: ModuleType, monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    lib = tmp_path / "libtensorflow-microlite.a"
    lib.write_bytes(b"!<arch>\n")
    monkeypatch.setenv("TFLM_LIB", str(lib))
    monkeypatch.setenv("TFLM_INCLUDE", f"/a{os.pathsep}/b")
    args = script.parse_args([])
    assert (args.tflm_lib, args.tflm_include, args.corpus, args.gate) == (lib, (Path("/a"), Path("/b")), None, False)
    monkeypatch.delenv("TFLM_LIB")
    monkeypatch.delenv("TFLM_INCLUDE")
    args = script.parse_args(["--corpus", str(tmp_path), "--tflm-include", "/x", "--gate", "m.tflite"])
    assert (args.tflm_lib, args.tflm_include, args.corpus, args.gate, args.models) == (
        None, (Path("/x"),), tmp_path, True, [Path("m.tflite")])


def test_corpus_without_a_value_is_the_shared_corpus(script: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(script, "DEFAULT_CORPUS", ROOT)  # any folder that exists
    # The parser is built on each call, so --corpus without a value takes DEFAULT_CORPUS.
    assert script.parse_args(["--corpus"]).corpus == ROOT


def test_a_missing_library_or_corpus_is_refused_naming_it(script: ModuleType, monkeypatch: pytest.MonkeyPatch,
                                                          tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TFLM_LIB", raising=False)
    with pytest.raises(SystemExit):
        script.parse_args(["--tflm-lib", str(tmp_path / "nope.a")])
    assert "nope.a: no such file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        script.parse_args(["--corpus", str(tmp_path / "nocorpus")])
    assert "nocorpus: no such folder" in capsys.readouterr().err


def test_corpus_models_found_and_absent(script: ModuleType, tmp_path: Path) -> None:
    first = tmp_path / script.CORPUS_MODELS[0]
    first.parent.mkdir(parents=True)
    first.write_bytes(b"")
    found, absent = script.corpus_models(tmp_path)
    assert found == [first]
    assert absent == list(script.CORPUS_MODELS[1:])
    assert any(p.endswith("person_detect.tflite") for p in script.CORPUS_MODELS)


def test_the_table_and_gate_judge_every_target(script: ModuleType) -> None:
    macs = (100,)
    meets = _result(script, "a.tflite", _run(script, (70,), macs, arena=90), _measured(script, 200, 100, 100))
    slow = _result(script, "b.tflite", _run(script, (71,), macs, arena=90), _measured(script, 200, 100, 100))
    big = _result(script, "c.tflite", _run(script, (70,), macs, arena=101), _measured(script, 200, 100, 100))
    wrong = _result(script, "d.tflite", _run(script, (70,), macs, exact=False), _measured(script, 200, 100, 100))
    unjudged = _result(script, "e.tflite", _run(script, (70,), macs), None)
    failed = _result(script, "f.tflite", None, None, "ours did not run: boom")
    assert meets.misses() == []
    assert meets.ratios() == (0.5, 0.7, 0.9)
    assert slow.misses() == ["est. cycles 0.71x > 0.70x"]
    assert big.misses() == ["arena 1.01x > 1.00x"]
    assert wrong.misses() == ["ours not bit-exact with TFLM"]
    assert unjudged.misses() == ["no TFLM figure (give --tflm-lib)"]
    assert failed.misses() == ["ours did not run: boom"]
    lines = script.whole_model_table([meets, slow, failed])
    assert len(lines) == 5
    assert lines[2] == ("| a.tflite | cmsis-nn | 100 | 70 | 90 | 200 | 100 | 100 | 0.50x | 0.70x | 0.90x "
                        "| yes/yes / yes | met |")
    assert "0.71x (over)" in lines[3] and "MISSED: est. cycles 0.71x > 0.70x" in lines[3]
    assert lines[4].startswith("| f.tflite | - | - | - | - |") and "MISSED: ours did not run: boom" in lines[4]


def test_a_model_tflm_cannot_start_is_not_comparable_not_met(script: ModuleType) -> None:
    run = _run(script, (70,), (100,))
    too_big = script.ModelResult("g.tflite", True, {"reference": run, "optimized": run}, None,
                                 "TFLM did not run: TFLM does not start even in the 229,376 B probe arena",
                                 tflm_does_not_fit=True)
    assert too_big.misses() == []
    assert "not comparable: TFLM did not run: TFLM does not start" in script.whole_model_table([too_big])[2]
    wrong = script.ModelResult("h.tflite", True, {"reference": _run(script, (70,), (100,), exact=False),
                                                  "optimized": run}, None, "TFLM did not run: x", tflm_does_not_fit=True)
    assert wrong.misses() == ["ours not bit-exact with TFLM"]


def test_recorded_figures_are_labelled_in_the_table(script: ModuleType) -> None:
    run = _run(script, (70,), (100,))
    row = script.whole_model_table([_result(script, "kws_dscnn_int8.tflite", run,
                                            script.recorded_baseline("kws_dscnn_int8.tflite"))])[2]
    assert "| recorded: KWS DS-CNN |" in row and "7,697,576" in row


def test_lost_layers_share_the_cycle_target_by_macs_and_sort_by_loss(script: ModuleType) -> None:
    base = _measured(script, 10_000, 9_000, 1)
    target = script.TARGET_CYCLES * base.estimated_cycles
    macs = (1_000, 3_000, 0)
    # Layer 0 at exactly its share, layer 1 1,000 above, the MAC-less layer loses all it costs.
    share0, share1 = round(target * 0.25), round(target * 0.75)
    cycles = (share0, share1 + 1_000, 500)
    results = [_result(script, "m.tflite", _run(script, cycles, macs), base),
               _result(script, "unknown.tflite", _run(script, cycles, macs), None)]
    rows = script.lost_layers(results)
    assert [(r.model, r.index, r.lost) for r in rows] == [("m.tflite", 1, 1_000), ("m.tflite", 2, 500),
                                                          ("m.tflite", 0, 0)]
    assert rows[0].budget == share1


def test_lost_layers_skip_a_model_without_layer_cycles(script: ModuleType) -> None:
    run = _run(script, None, (10,))
    assert script.lost_layers([_result(script, "m.tflite", run, _measured(script, 1, 1, 1))]) == []


def test_with_the_library_tflm_is_measured_in_the_same_run(script: ModuleType,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    if not os.environ.get("TFLM_LIB"):
        pytest.skip("no TFLM library given: set TFLM_LIB and TFLM_INCLUDE")
    code = script.main([str(ROOT / "models" / "sine_int8.tflite"), "--top", "1"])
    out = capsys.readouterr().out
    assert code == 0, out
    row = next(line for line in out.splitlines() if line.startswith("| sine_int8.tflite | cmsis-nn |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert all(c[0].isdigit() for c in cells[2:11]), row  # ours and TFLM's figures and the three ratios
    assert "measured in this run" in out and "RECORDED" not in out
