"""The pyrenode3 backend's monitor, against a stand-in `pyrenode3` module (the real one runs in
tests/emulation/test_cross_engine.py where pyrenode3 and a Renode build are installed)."""
from __future__ import annotations

import os
import sys
import types
from pathlib import Path

import pytest

from tflm_bench.emulation.renode import pyrenode3_monitor
from tflm_bench.emulation.renode.errors import RenodeCommandError, RenodeProcessError
from tflm_bench.emulation.renode.pyrenode3_monitor import Pyrenode3Monitor


class StandInMonitor:
    """Records the TMPDIR Renode's runtime would see while it starts; answers like pyrenode3's."""

    temp_at_start: str | None = None

    def __init__(self) -> None:
        StandInMonitor.temp_at_start = os.environ.get("TMPDIR")
        self.commands: list[str] = []

    def execute(self, command: str) -> tuple[str, str]:
        self.commands.append(command)
        return ("", "There is no such command") if command == "bad" else ("42\r\n", "")


@pytest.fixture
def stand_in(monkeypatch: pytest.MonkeyPatch) -> type[StandInMonitor]:
    package = types.ModuleType("pyrenode3")
    wrappers = types.ModuleType("pyrenode3.wrappers")
    wrappers.Monitor = StandInMonitor  # type: ignore[attr-defined]
    wrappers.Emulation = lambda: types.SimpleNamespace(clear=lambda: None)  # type: ignore[attr-defined]
    package.wrappers = wrappers  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pyrenode3", package)
    monkeypatch.setitem(sys.modules, "pyrenode3.wrappers", wrappers)
    return StandInMonitor


@pytest.fixture(autouse=True)
def no_live_monitor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts with no pyrenode3 monitor open in the process (and leaves none)."""
    monkeypatch.setattr(Pyrenode3Monitor, "_live", None)


def test_renode_starts_with_a_private_temp_folder_and_tmpdir_is_put_back(
    stand_in: type[StandInMonitor], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Renode deletes every `renode-*` folder of its temp folder that no live Renode owns: a
    # user's $TMPDIR/renode-builds would go when pyrenode3 starts Renode in this process.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monitor = Pyrenode3Monitor()
    monitor.start(timeout_s=5)
    private = pyrenode3_monitor.renode_temp_folder()
    assert stand_in.temp_at_start == str(private) and private.is_dir() and private != tmp_path
    assert os.environ["TMPDIR"] == str(tmp_path)
    assert monitor.execute("sysbus.cpu ExecutedInstructions", timeout_s=5).lines == ("42",)
    with pytest.raises(RenodeCommandError, match="There is no such command"):
        monitor.execute("bad", timeout_s=5)
    monitor.close()
    assert not monitor.alive


def test_tmpdir_stays_unset_when_it_was(stand_in: type[StandInMonitor], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TMPDIR", raising=False)
    monitor = Pyrenode3Monitor()
    monitor.start(timeout_s=5)
    assert stand_in.temp_at_start == str(pyrenode3_monitor.renode_temp_folder())
    assert "TMPDIR" not in os.environ
    monitor.close()


def test_a_pyrenode3_that_finds_no_renode_names_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # pyrenode3 raises ImportError, or calls sys.exit, when it cannot find a Renode to load.
    broken = types.ModuleType("pyrenode3.wrappers")

    def fail(name: str) -> object:
        if name == "Monitor":
            raise SystemExit(1)
        raise AttributeError(name)

    broken.__getattr__ = fail  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pyrenode3", types.ModuleType("pyrenode3"))
    monkeypatch.setitem(sys.modules, "pyrenode3.wrappers", broken)
    with pytest.raises(RenodeProcessError, match="PYRENODE_BUILD_DIR.*TFLM_BENCH_RENODE_BACKEND=process"):
        Pyrenode3Monitor().start(timeout_s=5)


def test_a_second_engine_in_the_same_process_is_refused_until_the_first_closes(stand_in: type[StandInMonitor]) -> None:
    # One emulation per process: a second machine would share `start`, `pause` and the clear on close.
    first, second = Pyrenode3Monitor(), Pyrenode3Monitor()
    first.start(timeout_s=5)
    with pytest.raises(RenodeProcessError, match="one Renode emulation per Python process.*TFLM_BENCH_RENODE_BACKEND=process"):
        second.start(timeout_s=5)
    assert first.alive and not second.alive
    first.close()
    second.start(timeout_s=5)
    assert second.alive
    second.close()


def test_auto_prefers_a_renode_process_when_a_binary_is_found(
    fake_renode: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tflm_bench.board import DEFAULT_PLATFORM
    from tflm_bench.emulation.renode import engine as engine_module

    monkeypatch.setattr(engine_module, "pyrenode3_importable", lambda: True)
    assert engine_module.RenodeEngine(DEFAULT_PLATFORM).backend == "process"
    monkeypatch.delenv("RENODE")
    monkeypatch.setenv("PATH", "/nonexistent")
    assert engine_module.RenodeEngine(DEFAULT_PLATFORM).backend == "pyrenode3"
