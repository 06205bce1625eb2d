"""RenodeEngine end to end against a fake `renode` (a test double bridging to the built-in engine).

What this exercises: starting the process, the monitor dialogue, the UART socket, wall-clock
timeouts, error replies, the port retry, and shutdown without leftover processes. What it
cannot show: that real Renode behaves like the double (see docs/renode.md).
"""
from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest

from tflm_bench.device import BenchDevice
from tflm_bench.emulation.engine import Engine
from tflm_bench.emulation.errors import EmulatorTimeout
from tflm_bench.emulation.renode.engine import RenodeEngine
from tflm_bench.emulation.renode.errors import RenodeCommandError, RenodeProcessError
from tflm_bench.protocol import Command

PLATFORM = Path(__file__).resolve().parents[3] / "bench" / "board" / "platforms" / "nrf52840.repl"


def gone(pid: int, within_s: float = 5.0) -> bool:
    """No process with this id (and no group led by it) is left."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def engine(**options: object) -> RenodeEngine:
    return RenodeEngine(PLATFORM, backend="process", start_timeout_s=20, command_timeout_s=20, **options)  # type: ignore[arg-type]


def test_boots_the_firmware_and_talks_the_protocol(fake_renode: Path, sine_elf: Path) -> None:
    with engine() as renode:
        assert isinstance(renode, Engine) and renode.name == "renode"
        renode.load_elf(sine_elf)
        device = BenchDevice(renode, timeout_s=20)
        assert device.wait_ready().type == Command.HELLO
        assert device.ping(b"over the socket") == b"over the socket"
        first = renode.executed_instructions
        device.info()
        assert renode.executed_instructions > first > 0
        pid = renode.pid
    assert pid is not None and gone(pid)


def test_read_timeout_names_what_was_awaited_and_what_came(
    fake_renode: Path, sine_elf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with engine() as renode:
        renode.load_elf(sine_elf)
        hello = renode.read_uart(6, 20)  # HELLO header
        with pytest.raises(EmulatorTimeout) as timeout:
            renode.read_uart(64, 0.5)    # only the rest of HELLO will come
        text = str(timeout.value)
        assert "64 byte(s) from uart0" in text and f"{hello[4] + 4} received so far" in text
        assert "timed out after 0.5 s" in text


def test_silent_firmware_times_out_on_wall_clock(
    fake_renode: Path, sine_elf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RENODE_MODE", "mute-firmware")
    with engine() as renode:
        renode.load_elf(sine_elf)
        started = time.monotonic()
        with pytest.raises(EmulatorTimeout, match=r"0 received so far: \[\]"):
            renode.read_uart(6, 0.3)
        assert time.monotonic() - started < 3


def test_monitor_errors_carry_the_command_and_renodes_text(fake_renode: Path) -> None:
    with engine() as renode:
        with pytest.raises(RenodeCommandError) as error:
            renode.monitor("sysbus.nothing Read")
        assert error.value.command == "sysbus.nothing Read"
        assert "No such command or device" in str(error.value)


def test_missing_platform_file_is_reported_by_path(fake_renode: Path, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="does not exist"):
        RenodeEngine(tmp_path / "none.repl", backend="process")


def test_port_taken_before_renode_binds_it_is_retried(
    fake_renode: Path, sine_elf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RENODE_MODE", "port-busy-once")
    with engine() as renode:
        renode.load_elf(sine_elf)
        assert BenchDevice(renode, timeout_s=20).wait_ready().type == Command.HELLO


def test_renode_that_ignores_quit_is_terminated(
    fake_renode: Path, sine_elf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RENODE_MODE", "ignore-quit")
    renode = engine(grace_s=0.5)
    renode.open()
    pid = renode.pid
    started = time.monotonic()
    renode.close()
    assert pid is not None and gone(pid) and time.monotonic() - started < 5


def test_processes_renode_started_end_with_it(
    fake_renode: Path, sine_elf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RENODE_MODE", "child")
    renode = engine()
    renode.load_elf(sine_elf)
    workdir = renode._workdir
    assert workdir is not None
    child = int((workdir / "child.pid").read_text())
    pid = renode.pid
    renode.close()
    assert pid is not None and gone(pid)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
    assert not workdir.exists()


def test_renode_without_prompt_times_out_and_is_ended(fake_renode: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAKE_RENODE_MODE", "no-prompt")
    renode = RenodeEngine(PLATFORM, backend="process", start_timeout_s=0.5, grace_s=0.5)
    with pytest.raises(EmulatorTimeout, match="first monitor prompt"):
        renode.open()
    assert renode.pid is None


def test_renode_exiting_is_reported_with_its_status(
    fake_renode: Path, sine_elf: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_RENODE_MODE", "die-on-start")
    with engine() as renode:
        with pytest.raises(RenodeProcessError, match="exited .*status 3"):
            renode.load_elf(sine_elf)


def test_forgotten_engine_is_ended_by_its_finaliser(fake_renode: Path) -> None:
    renode = engine()
    renode.open()
    pid = renode.pid
    del renode
    gc.collect()
    assert pid is not None and gone(pid)


def test_loading_again_starts_a_fresh_renode(fake_renode: Path, sine_elf: Path) -> None:
    with engine() as renode:
        renode.load_elf(sine_elf)
        BenchDevice(renode, timeout_s=20).wait_ready()
        first = renode.pid
        renode.load_elf(sine_elf)
        assert renode.pid != first and gone(first or 0)
        assert BenchDevice(renode, timeout_s=20).wait_ready().type == Command.HELLO


def number(renode: RenodeEngine, command: str) -> int:
    return int(renode.monitor(command).strip(), 0)


def test_exact_counts_are_configured_by_default(fake_renode: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # One instruction per translation block, and 64 MIPS / 64 MHz moved to 100 MIPS / 100 MHz
    # (emulation/renode/exact_counts.md).
    monkeypatch.delenv("TFLM_BENCH_RENODE_EXACT", raising=False)
    with engine() as renode:
        assert number(renode, "sysbus.cpu MaximumBlockSize") == 1
        assert number(renode, "sysbus.cpu PerformanceInMips") == 100
        assert any("PerformanceInMips 64 -> 100" in note and "64000000 -> 100000000 Hz" in note
                   for note in renode.notes())


def test_exact_counts_can_be_turned_off(fake_renode: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TFLM_BENCH_RENODE_EXACT", "0")
    with engine() as renode:
        assert number(renode, "sysbus.cpu MaximumBlockSize") == 10000
        assert number(renode, "sysbus.cpu PerformanceInMips") == 64
        assert any("TFLM_BENCH_RENODE_EXACT=0" in note for note in renode.notes())


def test_exact_counts_need_no_overlay_when_mips_divides_1000(fake_renode: Path, tmp_path: Path) -> None:
    board = tmp_path / "mips100.repl"
    board.write_text(f'using "{PLATFORM}"\ncpu:\n    PerformanceInMips: 100\ndwt:\n    frequency: 100000000\n')
    with RenodeEngine(board, backend="process", start_timeout_s=20, command_timeout_s=20) as renode:
        assert number(renode, "sysbus.cpu MaximumBlockSize") == 1
        assert number(renode, "sysbus.cpu PerformanceInMips") == 100
        assert renode.notes() == []


def test_renode_gets_a_private_temp_folder(fake_renode: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Renode deletes every `renode-*` folder of its temp folder that is not a live Renode's
    # (TemporaryFilesManager.Cleanup): a user's /tmp/renode-builds would go.
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    with engine() as renode:
        assert renode._workdir is not None
        given = Path((renode._workdir / "fake-renode-tmpdir").read_text())
        assert given == renode._workdir / "tmp" and given.is_dir()


def test_an_svd_that_cannot_be_downloaded_is_a_note_not_a_failure(
    fake_renode: Path, sine_elf: Path, tmp_path: Path
) -> None:
    # Renode's stock nrf52840.repl ends with `sysbus: init: ApplySVD @https://...`; offline,
    # LoadPlatformDescription prints "Failed to download ..." after building the machine.
    board = tmp_path / "svd.repl"
    board.write_text(f'using "{PLATFORM}"\nsysbus:\n    init:\n        ApplySVD @https://example.org/NRF52840.svd.gz\n')
    with RenodeEngine(board, backend="process", start_timeout_s=20, command_timeout_s=20) as renode:
        renode.load_elf(sine_elf)
        assert BenchDevice(renode, timeout_s=20).wait_ready().type == Command.HELLO
        assert any("could not download https://example.org/NRF52840.svd.gz" in note for note in renode.notes())


def test_other_description_failures_still_stop(fake_renode: Path, tmp_path: Path) -> None:
    board = tmp_path / "bad.repl"
    board.write_text(f'using "{tmp_path / "missing.repl"}"\n')
    with pytest.raises(RenodeCommandError):
        RenodeEngine(board, backend="process", start_timeout_s=20, command_timeout_s=20).open()


def test_uart0_in_easydma_mode_is_refused_before_renode_starts(fake_renode: Path, tmp_path: Path) -> None:
    """Renode's EasyDMA UART delivers only the first byte sent (renode issue 796)."""
    from tflm_bench.board import DEFAULT_PLATFORM
    from tflm_bench.emulation.errors import PlatformError

    board = tmp_path / "dma.repl"
    board.write_text(f'using "{DEFAULT_PLATFORM}"\nuart0:\n    easyDMA: true\n')
    engine = RenodeEngine(board, backend="process", start_timeout_s=20, command_timeout_s=20)
    with pytest.raises(PlatformError, match=r"dma.repl: 'uart0' \(declared at .*nrf52840.repl:\d+\) has easyDMA: true; .*renode issue 796"):
        engine.open()
    assert engine._monitor is None  # nothing was started
