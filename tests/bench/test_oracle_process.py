"""Oracles in processes of their own: answers as in-process, refusals as OracleError, a crash of
the interpreter as OracleCrash naming the signal, and no process left behind."""
from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from support import oracle_fakes
from tflm_bench import oracle_process
from tflm_bench.cli import main
from tflm_bench.errors import BenchError, OracleError
from tflm_bench.exit_codes import ExitCode
from tflm_bench.oracle_process import OracleCrash, OracleKind, OracleProcess, close_hosts
from tflm_bench.oracles import TflmOracle
from tflm_bench.session import run_bench

ROOT = Path(__file__).resolve().parents[2]


def test_answers_equal_the_in_process_oracle_and_the_host_is_kept() -> None:
    data = (ROOT / "models" / "sine_int8.tflite").read_bytes()
    sample = [np.array([[17]], np.int8)]
    with OracleProcess(OracleKind.TFLM, data, 1) as oracle:
        assert np.array_equal(oracle.run(sample)[0], TflmOracle(data, 1).run(sample)[0])
        process = oracle._host.process
    # The next model's oracle is served by the same process: TFLM is loaded once per bench process.
    with OracleProcess(OracleKind.TFLM, data, 1) as again:
        assert again._host.process is process and again.run(sample)
    close_hosts()
    assert not process.is_alive()


def test_an_oracle_whose_host_the_bench_closed_loads_again_in_a_fresh_one() -> None:
    """close_hosts() (a hung oracle, a test's fresh hosts) under a session's oracles: their next
    answer comes from a new host, not an OSError on the closed pipe."""
    data = (ROOT / "models" / "sine_int8.tflite").read_bytes()
    sample = [np.array([[-5]], np.int8)]
    with OracleProcess(OracleKind.TFLM, data, 1, preserve_all=True) as loaded, \
            OracleProcess(OracleKind.TFLM, data, 1) as loading:
        expected = loaded.run(sample)[0]
        close_hosts()
        with pytest.raises(BenchError, match="ended by the bench before reading a tensor.*run the model again"):
            loaded.tensor(0)
        assert np.array_equal(loaded.run(sample)[0], expected)
        assert np.array_equal(loading.run(sample)[0], expected)  # its load went to the closed host
        assert loaded._host is loading._host and loaded._host.process.is_alive()


def test_a_refusal_is_an_oracle_error() -> None:
    with OracleProcess(OracleKind.TFLM, b"TFL3" * 8, 1) as oracle:
        with pytest.raises(OracleError, match="TFLM .* refused the model while loading"):
            oracle.ready()


def test_a_crash_is_named_with_its_signal() -> None:
    data = (ROOT / "models" / "sine_int8.tflite").read_bytes()
    with OracleProcess(OracleKind.TFLM, data, 1) as oracle:
        oracle.ready()
        os.kill(oracle._host.process.pid, signal.SIGSEGV)  # stands in for a kernel that segfaults
        with pytest.raises(OracleCrash, match=r"crashed while invoking it \(signal SIGSEGV\)"):
            oracle.run([np.zeros((1, 1), np.int8)])
    with OracleProcess(OracleKind.TFLM, data, 1) as fresh:  # a new host replaces the dead one
        assert fresh.run([np.zeros((1, 1), np.int8)])


# -- crashes of either oracle, real and on purpose ---------------------------------------------

KEYWORD = ROOT.parent / "shared" / "corpus" / "tflite-micro" / "tensorflow" / "lite" / "micro" / "models" / "keyword_scrambled_8bit.tflite"


@pytest.fixture
def fresh_hosts() -> Iterator[None]:
    """Hosts started for this test only (the hosts are per bench process, shared by tests)."""
    close_hosts()
    yield
    close_hosts()


@pytest.fixture
def aborting(monkeypatch: pytest.MonkeyPatch, fresh_hosts: None) -> Callable[[str], None]:
    """aborting("tflm:run"): hosts started from now abort on that kind's operation."""
    def arm(target: str) -> None:
        monkeypatch.setattr(oracle_process, "_serve", oracle_fakes.serve_and_abort)
        monkeypatch.setenv(oracle_fakes.VARIABLE, target)
    return arm


def _sine() -> bytes:
    return (ROOT / "models" / "sine_int8.tflite").read_bytes()


@pytest.mark.skipif(not KEYWORD.is_file(), reason=f"the TFLM model corpus is not at {KEYWORD}")
def test_tflite_writing_outside_its_memory_on_a_corpus_model_is_a_named_crash(fresh_hosts: None) -> None:
    # TFLite's reference SVDF takes the int8 activation state of keyword_scrambled_8bit as int16
    # and writes twice its size: TensorFlow 2.21's interpreter aborted on it, ai-edge-litert 2.3.0
    # answers and then crashes (SIGSEGV) when the interpreter is freed. Either way the crash is
    # TFLite's, named, and host TFLM's answers are unaffected.
    data = KEYWORD.read_bytes()
    rng = np.random.default_rng(3)
    samples = [[rng.integers(-32768, 32768, (1, 96)).astype(np.int16)] for _ in range(4)]
    tflite = OracleProcess(OracleKind.TFLITE, data, 1)
    with pytest.raises(OracleCrash, match=r"^TFLite's reference interpreter \(BUILTIN_REF, ai-edge-litert\) crashed "
                                          r"while .* \(signal SIG[A-Z]+\)"):
        for sample in samples:
            tflite.run(sample)
        tflite.close(check=True)
    from tflite_micro.python.tflite_micro import runtime  # the bench's reader refuses this model for now

    tflm = runtime.Interpreter.from_bytes(data)
    tflm.set_input(samples[0][0], 0)
    tflm.invoke()
    assert np.array(tflm.get_output(0)).shape == (1, 2)
    # The next model's TFLite oracle gets a host that works.
    with OracleProcess(OracleKind.TFLITE, _sine(), 1) as after:
        assert after.run([np.array([[17]], np.int8)])[0].shape == (1, 1)


def test_a_real_tflm_crash_is_named() -> None:
    # The pinned tflite-micro segfaults in DEPTHWISE_CONV_2D's Prepare when its bias slot is -1
    # (tflm_crash_reason refuses it up front when given the model; here it is not).
    from test_oracles import _depthwise

    with OracleProcess(OracleKind.TFLM, _depthwise([-1]), 1) as oracle:
        with pytest.raises(OracleCrash, match=r"^TFLM \(the tflite-micro package\) crashed while loading and preparing "
                                              r"it \(signal SIGSEGV\); .* survives, but without host TFLM's outputs it has no "
                                              r"verdict on this model"):
            oracle.ready()


@pytest.mark.parametrize("kind", [OracleKind.TFLM, OracleKind.TFLITE])
def test_an_abort_of_either_oracle_is_named_with_sigabrt(kind: OracleKind, aborting: Callable[[str], None]) -> None:
    aborting(f"{kind}:run")
    with OracleProcess(kind, _sine(), 1) as oracle:
        oracle.ready()
        with pytest.raises(OracleCrash, match=r"crashed while invoking it \(signal SIGABRT\)") as info:
            oracle.run([np.zeros((1, 1), np.int8)])
        assert info.value.oracle == oracle.refuser
    other = OracleKind.TFLITE if kind is OracleKind.TFLM else OracleKind.TFLM
    with OracleProcess(other, _sine(), 1) as survivor:  # the other oracle's host is untouched
        assert survivor.run([np.zeros((1, 1), np.int8)])


def test_a_crash_while_freeing_a_model_names_that_model_not_the_next(aborting: Callable[[str], None]) -> None:
    aborting("tflite:drop")
    sample = [np.array([[40]], np.int8)]
    first = OracleProcess(OracleKind.TFLITE, _sine(), 1)
    expected = first.run(sample)
    first.close()  # not waited for: the host dies on it while the next model is sent
    with OracleProcess(OracleKind.TFLITE, _sine(), 1) as second:
        assert np.array_equal(second.run(sample)[0], expected[0])
        assert second._restarted  # its load reached the dying host, so it was loaded again in a fresh one
    checked = OracleProcess(OracleKind.TFLITE, _sine(), 1)
    checked.run(sample)
    with pytest.raises(OracleCrash, match=r"crashed while freeing its interpreter after answering \(signal SIGABRT\)"):
        checked.close(check=True)


# -- in a bench run: a crashed oracle is named in the report, never a dead bench ----------------------

def test_a_run_whose_tflite_aborts_keeps_host_tflms_verdict(aborting: Callable[[str], None]) -> None:
    aborting("tflite:run")
    report = run_bench(ROOT / "models" / "sine_int8.tflite", count=2)
    assert all(r.bit_exact for r in report.results) and len(report.results) == 2
    assert all(o.vs_tflite_ref is None for r in report.results for o in r.outputs)
    (warning,) = [w for w in report.warnings if "TFLite" in w]
    assert warning.startswith("TFLite BUILTIN_REF crashed, so the model is compared with TFLM only: "
                              "TFLite's reference interpreter (BUILTIN_REF, ai-edge-litert) crashed while invoking it "
                              "(signal SIGABRT)")
    text = report.format_text()
    assert "verdict: 2/2 inputs bit-exact with TFLM" in text and "TFLite BUILTIN_REF: no answers (it crashed; see the warning)" in text


def test_a_run_whose_tflite_crashes_after_answering_drops_its_answers(aborting: Callable[[str], None]) -> None:
    aborting("tflite:drop")
    report = run_bench(ROOT / "models" / "sine_int8.tflite", count=2)
    assert all(r.bit_exact for r in report.results)
    assert all(o.vs_tflite_ref is None for r in report.results for o in r.outputs)
    assert any(w.startswith("TFLite BUILTIN_REF crashed after answering, so its answers are dropped") and
               "crashed while freeing its interpreter after answering (signal SIGABRT)" in w for w in report.warnings)


def test_a_run_whose_tflm_aborts_ends_with_tflms_crash_named(aborting: Callable[[str], None],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    aborting("tflm:run")
    with pytest.raises(OracleCrash, match=r"^TFLM \(the tflite-micro package\) crashed while invoking it "
                                          r"\(signal SIGABRT\)"):
        run_bench(ROOT / "models" / "sine_int8.tflite", count=1)
    code = main(["run", str(ROOT / "models" / "sine_int8.tflite"), "--count", "1"])
    assert code == ExitCode.INTERNAL
    assert "TFLM (the tflite-micro package) crashed while invoking it (signal SIGABRT)" in capsys.readouterr().err


def test_evaluate_whose_tflite_column_crashes_keeps_the_other_columns(aborting: Callable[[str], None], tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    aborting("tflite-default:run")
    x = np.linspace(0.1, 6.2, 5, dtype=np.float32)[:, None]
    np.savez(tmp_path / "sine.npz", x=x, y=np.sin(x))
    code = main(["evaluate", str(ROOT / "models" / "sine_int8.tflite"), "--data", str(tmp_path / "sine.npz"),
                 "--json", str(tmp_path / "out.json")])
    out = capsys.readouterr().out
    assert code == 0, out
    (variant,) = json.loads((tmp_path / "out.json").read_text())["variants"]
    assert variant["host"] is not None and variant["device"] is not None and variant["host_tflite"] is None
    assert variant["host_tflite_note"].startswith(
        "TFLite's interpreter could not run it: TFLite's interpreter (default kernels with XNNPACK, ai-edge-litert) "
        "crashed while invoking it (signal SIGABRT)")
    assert "model: TFLite's interpreter could not run it" in out
