"""SIGINT/SIGTERM during a build: one line, the compilers ended with the bench, exit 130/143, and
a cache the next run can use (no lock files left, no half build taken for a finished one)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BENCH = Path(sys.executable).with_name("tflm-bench")


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
    process = subprocess.Popen([str(BENCH), "build", str(model), "--build-dir", str(build_dir)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
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
