"""The command line and monitor commands the Renode driver sends (pure functions)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tflm_bench.emulation.renode.commands import (
    CommandArgumentError,
    MachineSetup,
    command_line,
    executed_instructions_command,
    load_commands,
    machine_commands,
    monitor_path,
    session_commands,
)


def test_session_sequence(tmp_path: Path) -> None:
    repl, elf = tmp_path / "board.repl", tmp_path / "fw.elf"
    setup = MachineSetup(platform=repl, uart_port=45678)
    assert session_commands(setup, elf) == [
        'mach create "nano"',
        f"machine LoadPlatformDescription @{repl}",
        'emulation CreateServerSocketTerminal 45678 "uart0term" false',
        "connector Connect sysbus.uart0 uart0term",
        f"sysbus LoadELF @{elf}",
        "sysbus.cpu VectorTableOffset 0x0",
        "start",
    ]
    assert executed_instructions_command(setup) == "sysbus.cpu ExecutedInstructions"


def test_repl_path_roots_are_added_before_the_description_loads(tmp_path: Path) -> None:
    # Renode resolves `using "platforms/..."` under its monitor path prefixes (`path add`).
    setup = MachineSetup(platform=tmp_path / "b.repl", uart_port=1, repl_path=(tmp_path / "r1", tmp_path / "r2"))
    assert machine_commands(setup) == [
        f"path add @{tmp_path / 'r1'}",
        f"path add @{tmp_path / 'r2'}",
        'mach create "nano"',
        f"machine LoadPlatformDescription @{tmp_path / 'b.repl'}",
    ]


def test_the_board_image_boots_from_its_vector_table(tmp_path: Path) -> None:
    elf = tmp_path / "fw.elf"
    commands = load_commands(elf, 0x10000, "sysbus.cpu")
    assert commands[1:] == ["sysbus.cpu VectorTableOffset 0x10000", "start"]


def test_paths_are_absolute_and_spaces_escaped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert monitor_path("fw.elf") == f"@{tmp_path}/fw.elf"
    assert monitor_path(tmp_path / "my dir" / "fw.elf") == f"@{tmp_path}/my\\ dir/fw.elf"


@pytest.mark.parametrize("bad", ["a;b.elf", 'a"b.elf', "a\nb.elf"])
def test_paths_the_monitor_cannot_take_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(CommandArgumentError, match="plainer path"):
        monitor_path(tmp_path / bad)


def test_headless_command_line_has_no_monitor_port() -> None:
    argv = command_line("/opt/renode/renode", pid_file=Path("/tmp/x.pid"), config_file=Path("/tmp/c"))
    assert argv == [
        "/opt/renode/renode", "--console", "--disable-gui", "--plain", "--hide-log",
        "--pid-file", "/tmp/x.pid", "--config", "/tmp/c",
    ]
    assert "--port" not in argv and "-P" not in argv
