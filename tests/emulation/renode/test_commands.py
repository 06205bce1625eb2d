"""The command line and monitor commands the Renode driver sends (pure functions)."""
from __future__ import annotations

from pathlib import Path

import pytest

from tflm_bench.emulation.renode.commands import (
    CommandArgumentError,
    MachineSetup,
    command_line,
    exact_clock,
    exact_count_commands,
    exact_overlay,
    executed_instructions_command,
    load_commands,
    machine_commands,
    monitor_path,
    session_commands,
    svd_download_failures,
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


def test_exact_counts_use_one_instruction_per_translation_block() -> None:
    # A CYCCNT read sees the instructions of the blocks before its own (tlib adds a block's
    # count when the next one starts): one-instruction blocks make every read exact.
    setup = MachineSetup(platform=Path("b.repl"), uart_port=1)
    assert exact_count_commands(setup) == ["sysbus.cpu MaximumBlockSize 1"]


@pytest.mark.parametrize(
    "mips, dwts, expected",
    [
        # 64 MIPS: 1 ns ticks take 8 instructions at a time; 100 MIPS takes them one by one,
        # and a 100 MHz DWT keeps one count per instruction.
        (64, {"dwt": 64_000_000}, (100, (("dwt", 100_000_000),))),
        (32, {"dwt": 64_000_000}, (40, (("dwt", 80_000_000),))),     # two counts per instruction
        (64, {"dwt": 128_000_000}, (100, (("dwt", 200_000_000),))),
        (64, {}, (100, ())),
        (16, {"dwt": 2_000_002}, (40, (("dwt", 5_000_005),))),       # 20 and 25 would not scale integrally
    ],
)
def test_exact_clock_moves_mips_to_a_divisor_of_1000_keeping_counts_per_instruction(
    mips: int, dwts: dict[str, int], expected: tuple[int, tuple[tuple[str, int], ...]]
) -> None:
    clock = exact_clock("cpu", mips, dwts)
    assert clock is not None and (clock.mips, clock.dwt_frequencies) == expected
    assert 1000 % clock.mips == 0
    for name, frequency in clock.dwt_frequencies:
        assert frequency * mips == dwts[name] * clock.mips     # CYCCNT per instruction unchanged


@pytest.mark.parametrize("mips", [100, 125, 1000, 1, 2000, 64.5, "64", True])
def test_exact_clock_leaves_exact_or_impossible_settings_alone(mips: object) -> None:
    assert exact_clock("cpu", mips, {"dwt": 64_000_000}) is None


def test_exact_clock_refuses_a_frequency_past_the_dwts_uint() -> None:
    assert exact_clock("cpu", 999, {"dwt": 4_000_000_000}) is None


def test_exact_overlay_includes_the_platform_and_overrides_mips_and_dwts(tmp_path: Path) -> None:
    clock = exact_clock("cpu", 64, {"dwt": 64_000_000})
    assert clock is not None
    assert exact_overlay(tmp_path / "board.repl", clock) == (
        f'using "{tmp_path / "board.repl"}"\n\ncpu:\n    PerformanceInMips: 100\n\ndwt:\n    frequency: 100000000\n'
    )
    with pytest.raises(CommandArgumentError):
        exact_overlay(tmp_path / 'a"b.repl', clock)


def test_only_svd_download_failures_are_recognised() -> None:
    url = "https://dl.antmicro.com/projects/renode/svd/NRF52840.svd.gz"
    assert svd_download_failures(f"Failed to download {url}, see log for details.") == [url]
    assert svd_download_failures(f"Failed to download {url}, see log for details.\nCould not find file 'x'") is None
    assert svd_download_failures("Failed to download https://x/fw.elf, see log for details.") is None
    assert svd_download_failures("") is None
