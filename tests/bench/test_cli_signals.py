"""SIGINT/SIGTERM during a build: one line, the compilers ended with the bench, exit 130/143, and
a cache the next run can use (no lock files left, no half build taken for a finished one)."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BENCH = Path(sys.executable).with_name("tflm-bench")
# How soon an interrupted command must have ended. Loose on purpose: on a loaded 2-core CI runner
# a healthy exit has taken over a second; what the bound rules out is waiting for the work itself
# (the oracles loading TensorFlow, a build, an evaluation of thousands of samples).
PROMPT_S = 5.0
_STARTED: list[subprocess.Popen[str]] = []


@pytest.fixture(autouse=True)
def _no_bench_outlives_its_test() -> Iterator[None]:
    """A test that fails while its bench still runs (a wait that timed out) kills it, so one failure
    does not leave a 100,000-input run and its emulator going for the rest of the session."""
    yield
    while _STARTED:
        process = _STARTED.pop()
        if process.poll() is None:
            for pid in _descendants(process.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            process.kill()
            process.wait()


def _popen(args: list[str]) -> subprocess.Popen[str]:
    process = subprocess.Popen([str(BENCH), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _STARTED.append(process)
    return process


def _descendants(pid: int) -> set[int]:
    """Every live process whose parent chain leads to pid (cmake runs in a session of its own)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        children = {child for child, parent in parents.items() if parent in frontier} - found
        found |= children
        frontier = children
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _start_build(model: Path, build_dir: Path) -> tuple[subprocess.Popen[str], set[int]]:
    """A build of a fresh cache, stopped once its compiler processes are running."""
    process = _popen(["build", str(model), "--build-dir", str(build_dir)])
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        children = _descendants(process.pid)
        if len(children) >= 2:  # cmake and what it started
            return process, children
        if process.poll() is not None:
            break
        time.sleep(0.05)
    process.kill()
    pytest.fail(f"the build never started its compilers: {process.communicate()}")


@pytest.mark.parametrize("signum,code,word", [(signal.SIGTERM, 143, "terminated"), (signal.SIGINT, 130, "interrupted")])
def test_a_signal_ends_the_build_and_its_compilers(
    sine_model: Path, tmp_path: Path, signum: int, code: int, word: str
) -> None:
    build_dir = tmp_path / "cache"
    process, children = _start_build(sine_model, build_dir)
    os.kill(process.pid, signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code, err
    assert err.strip().splitlines()[-1] == f"tflm-bench: {word}" and "Traceback" not in err
    time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], "compiler processes outlived the bench"
    assert not list(build_dir.rglob("*.lock")), "lock files were left behind"
    assert not list(build_dir.rglob("manifest.json")), "an interrupted build must not look finished"
    if signum == signal.SIGTERM:
        rerun = subprocess.run([str(BENCH), "build", str(sine_model), "--build-dir", str(build_dir)],
                               capture_output=True, text=True, timeout=600)
        assert rerun.returncode == 0, rerun.stderr
        assert "firmware.elf" in rerun.stdout and "(reused)" not in rerun.stdout


def _run_until(args: list[str], marker: str, timeout_s: float = 300) -> tuple[subprocess.Popen[str], list[str]]:
    """`tflm-bench ARGS`, returned once a stderr line contains `marker` (lines read so far kept)."""
    import threading

    process = _popen(args)
    lines: list[str] = []
    seen = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line)
            if marker in line:
                seen.set()

    threading.Thread(target=read, daemon=True).start()
    if not seen.wait(timeout_s):
        process.kill()
        pytest.fail(f"never saw {marker!r}: {''.join(lines)[-2000:]}")
    return process, lines


@pytest.mark.parametrize("signum,code,word", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")])
def test_a_signal_during_emulation_ends_the_run_at_once(
    sine_model: Path, tmp_path: Path, signum: int, code: int, word: str
) -> None:
    """The signal lands while the emulator runs (often inside a UART callback): the run stops at
    once, with one line and no traceback, instead of finishing and exiting 0."""
    build_dir = tmp_path / "cache"
    subprocess.run([str(BENCH), "build", str(sine_model), "--build-dir", str(build_dir)], check=True, capture_output=True)
    process, lines = _run_until(["run", str(sine_model), "--count", "100000", "--build-dir", str(build_dir)],
                                "inputs ")
    time.sleep(0.5)  # well inside the run of inputs
    sent = time.monotonic()
    os.kill(process.pid, signum)
    process.wait(timeout=30)
    took = time.monotonic() - sent
    time.sleep(0.2)  # the reader thread takes the last lines
    err = "".join(lines)
    assert process.returncode == code, err[-2000:]
    assert took < PROMPT_S, f"took {took:.2f} s to stop"
    assert "Traceback" not in err and "Exception ignored" not in err, err[-2000:]
    assert err.strip().splitlines()[-1] == f"tflm-bench: {word}"


def test_ctrl_c_while_the_oracles_load_ends_the_run_at_once(sine_model: Path, tmp_path: Path) -> None:
    """The oracles load TensorFlow in processes of their own: the bench is never stuck in it."""
    build_dir = tmp_path / "cache"
    subprocess.run([str(BENCH), "build", str(sine_model), "--build-dir", str(build_dir)], check=True, capture_output=True)
    process, lines = _run_until(["run", str(sine_model), "--count", "3", "--build-dir", str(build_dir)],
                                "building and booting")
    deadline = time.monotonic() + 30
    while len(children := _descendants(process.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the TFLM and TFLite oracles' processes
    assert len(children) >= 2, "the oracles did not start in processes of their own"
    sent = time.monotonic()
    os.kill(process.pid, signal.SIGINT)
    process.wait(timeout=30)
    assert time.monotonic() - sent < PROMPT_S
    assert process.returncode == 130 and "Traceback" not in "".join(lines)
    time.sleep(0.3)
    assert not [pid for pid in children if _alive(pid)], "oracle processes outlived the bench"


def test_ctrl_c_during_a_parallel_evaluation_ends_it_without_worker_tracebacks(tmp_path: Path) -> None:
    """--jobs 2: the workers leave the interrupt to the parent, which ends them at once."""
    import numpy as np

    digits = Path(__file__).resolve().parents[2] / "models" / "digits"
    test = np.load(digits / "test.npz")
    np.savez(tmp_path / "many.npz", x=np.concatenate([test["x"]] * 4), y=np.concatenate([test["y"]] * 4))
    process, lines = _run_until(["evaluate", str(digits / "digits_cnn_int8.tflite"), "--data", str(tmp_path / "many.npz"),
                                 "--jobs", "2", "--no-host"], "model samples ")
    children = _descendants(process.pid)
    sent = time.monotonic()
    # A terminal's Ctrl-C reaches the whole process group; here the bench and each of its workers.
    for pid in {process.pid, *children}:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)
    process.wait(timeout=30)
    time.sleep(0.3)
    err = "".join(lines)
    assert process.returncode == 130, err[-2000:]
    assert time.monotonic() - sent < 2 * PROMPT_S
    assert "Traceback" not in err and err.strip().splitlines()[-1] == "tflm-bench: interrupted", err[-3000:]
    assert not [pid for pid in children if _alive(pid)], "workers outlived the bench"


@pytest.mark.parametrize("signum,code,word,jobs", [(signal.SIGINT, 130, "interrupted", "1"),
                                                   (signal.SIGTERM, 143, "terminated", "2")])
def test_a_stopped_evaluation_writes_the_samples_it_finished_as_a_partial_evaluation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], signum: int, code: int, word: str, jobs: str
) -> None:
    """Ctrl-C or SIGTERM (a CI job cancelled) in the middle of the samples: --json holds what was
    finished, marked partial with how many of how many, and the gates refuse it unless asked."""
    import json

    from tflm_bench.cli import main

    import numpy as np

    digits = Path(__file__).resolve().parents[2] / "models" / "digits"
    test = np.load(digits / "test.npz")  # 600 samples, four times: two workers take 600 in about 5 s
    np.savez(tmp_path / "many.npz", x=np.concatenate([test["x"]] * 4), y=np.concatenate([test["y"]] * 4))
    out = tmp_path / "evaluation.json"
    out.write_text('{"complete": true}')  # an earlier evaluation's file must not pass for this one's
    process, lines = _run_until(["evaluate", str(digits / "digits_cnn_int8.tflite"), "--data", str(tmp_path / "many.npz"),
                                 "--jobs", jobs, "--no-host", "--json", str(out)], "model samples ")
    time.sleep(1.0)  # well inside the 2,400 samples
    os.kill(process.pid, signum)
    process.wait(timeout=30)
    time.sleep(0.3)  # the reader thread takes the last lines
    err = "".join(lines)
    assert process.returncode == code, err[-2000:]
    assert "Traceback" not in err and "Exception ignored" not in err, err[-3000:]
    assert err.strip().splitlines()[-1] == f"tflm-bench: {word}"
    result = json.loads(out.read_text())
    done = result["partial"]["samples_done"]
    assert result["complete"] is False and result["partial"]["samples"] == 2400 and 0 < done < 2400
    assert result["partial"]["reason"] == f"{word} ({signal.Signals(signum).name})"
    assert f"wrote {out}: PARTIAL evaluation, {word}" in err and f"model {done} of 2400" in err
    assert f"model samples {done}/2400 stopped after" in err
    variant = result["variants"][0]
    indices, predicted = variant["sample_indices"], variant["device"]["scores"]["predictions"]
    assert variant["device"]["samples"] == done == len(indices) == len(predicted) == len(set(indices))
    assert variant["device"]["correct"] == sum(p == result["labels"][i] for p, i in zip(predicted, indices))
    assert "PARTIAL evaluation" in result["partial"]["summary"]
    # Gating it: refused (exit 2) unless --allow-partial asks; then the result says it is partial.
    capsys.readouterr()
    assert main(["merge", str(out), "--out", str(tmp_path / "gated.json"), "--min-accuracy", "0.5"]) == 2
    assert "is a partial evaluation" in capsys.readouterr().err
    assert main(["merge", str(out), "--out", str(tmp_path / "gated.json"), "--min-accuracy", "0.5",
                 "--allow-partial", "--markdown", str(tmp_path / "e.md")]) == 0
    assert json.loads((tmp_path / "gated.json").read_text())["complete"] is False
    assert "PASS (PARTIAL)" in (tmp_path / "e.md").read_text()
