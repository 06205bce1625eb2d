"""Finding the Renode binary, and what happens when there is none."""
from __future__ import annotations

from pathlib import Path

import pytest

from tflm_bench.emulation import EngineName, create_engine
from tflm_bench.emulation.renode.discovery import (
    find_renode,
    pyrenode3_importable,
    renode_available,
    require_renode,
)
from tflm_bench.emulation.renode.errors import RenodeNotInstalled

MESSAGE = "Renode not installed: set RENODE=/path/to/renode or run `tflm-bench install-renode`"
PLATFORM = Path(__file__).resolve().parents[3] / "bench" / "board" / "platforms" / "nrf52840.repl"


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_renode_variable_wins_over_path(tmp_path: Path) -> None:
    chosen = executable(tmp_path / "a" / "renode-1.17")
    executable(tmp_path / "b" / "renode")
    env = {"RENODE": str(chosen), "PATH": str(tmp_path / "b")}
    assert find_renode(environ=env) == chosen


def test_path_is_searched(tmp_path: Path) -> None:
    found = executable(tmp_path / "bin" / "renode")
    assert find_renode(environ={"PATH": str(found.parent)}) == found


def test_missing_binary_message(tmp_path: Path) -> None:
    with pytest.raises(RenodeNotInstalled) as missing:
        require_renode(environ={"PATH": str(tmp_path)})
    assert str(missing.value).startswith(MESSAGE)
    assert renode_available(environ={"PATH": str(tmp_path)}) == pyrenode3_importable()


def test_renode_variable_pointing_nowhere_is_named(tmp_path: Path) -> None:
    with pytest.raises(RenodeNotInstalled, match="is not an executable file"):
        require_renode(environ={"RENODE": str(tmp_path / "nothing"), "PATH": ""})


def test_factory_knows_renode_and_says_when_it_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "renode" in tuple(EngineName)
    monkeypatch.delenv("RENODE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(RenodeNotInstalled, match="Renode not installed"):
        create_engine("renode", PLATFORM, backend="process")


def test_cli_offers_the_renode_engine() -> None:
    from tflm_bench.cli import _parser

    run = _parser()._subparsers._group_actions[0].choices["run"]  # type: ignore[union-attr]
    engine = next(action for action in run._actions if action.dest == "engine")
    assert "renode" in engine.choices
