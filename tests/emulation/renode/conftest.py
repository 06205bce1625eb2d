"""Fixtures for the Renode engine's tests: a fake `renode` (a test double) and the sine firmware."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest

FAKE = Path(__file__).with_name("fake_renode.py")


@pytest.fixture
def fake_renode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An executable `renode` that runs the test double; RENODE points at it."""
    launcher = tmp_path / "bin" / "renode"
    launcher.parent.mkdir()
    launcher.write_text(f"#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(str(FAKE))} \"$@\"\n")
    launcher.chmod(0o755)
    monkeypatch.setenv("RENODE", str(launcher))
    monkeypatch.delenv("TFLM_BENCH_RENODE_BACKEND", raising=False)
    return launcher


@pytest.fixture(scope="session")
def sine_elf(sine_model: Path) -> Path:
    from tflm_bench.session import BenchSession

    return BenchSession(sine_model).build().elf
