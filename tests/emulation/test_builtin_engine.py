"""The built-in engine on hand-counted Thumb-2 programs: counts, DWT, faults, UART."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from tflm_bench.board import description as repl
from tflm_bench.emulation.builtin.engine import BuiltinEngine
from tools.speed import measure_speed
from tflm_bench.emulation.builtin.symbols import SymbolTable
from tflm_bench.emulation.engine import Engine
from tflm_bench.emulation.errors import (
    CpuFault,
    FirmwareIdle,
    InstructionBudgetExceeded,
    PlatformError,
    UnmappedAccess,
)

Build = Callable[..., Path]


@pytest.fixture(scope="module")
def platform() -> repl.PlatformDescription:
    return repl.load()


def run_to(engine: BuiltinEngine, elf: Path, symbol: str) -> None:
    address = SymbolTable(elf).address_of(symbol)
    assert address is not None
    engine.load_elf(elf)
    engine.run_until(address)


def test_is_an_engine(platform: repl.PlatformDescription) -> None:
    engine = BuiltinEngine(platform)
    assert isinstance(engine, Engine) and engine.name == "builtin"


def test_hand_counted_loop_with_it_blocks(platform: repl.PlatformDescription, build_program: Build) -> None:
    elf = build_program("count")
    with BuiltinEngine(platform) as engine:
        run_to(engine, elf, "count_done")
        assert engine.executed_instructions == 4 + 10 * 1000
        assert engine.register("R0") == 1000
        assert engine.register("R2") == 499 - 501 + (1 << 32)  # ite: both arms taken
        assert engine.register("R3") == 2 * 500                 # itt gt: fails 500 times


def test_dot_product_count(platform: repl.PlatformDescription, build_program: Build) -> None:
    elf = build_program("dotprod")
    with BuiltinEngine(platform) as engine:
        run_to(engine, elf, "dot_done")
        assert engine.executed_instructions == 3 + 8 * 256 + 2 + 2000 * (2 + 9 * 256 + 3)


def test_dwt_cyccnt_is_the_instruction_count(
    platform: repl.PlatformDescription, build_program: Build
) -> None:
    with BuiltinEngine(platform) as engine:
        run_to(engine, build_program("dwt"), "dwt_done")
        assert engine.register("R9") == 1      # read right after writing CYCCNT = 0
        assert engine.register("R6") == 7      # ldr + 6 instructions, same block, IT inside
        assert engine.register("R8") == 202    # ldr + movs + 100 x (subs, bne)


def test_cpacr_write_and_cpuid(platform: repl.PlatformDescription, build_program: Build) -> None:
    with BuiltinEngine(platform) as engine:
        run_to(engine, build_program("dwt"), "dwt_done")
        assert engine.register("R1") == 0xF << 20   # CPACR read back after the write
        assert engine.register("R7") == 0x410FC241  # CPUID: Cortex-M4 r0p1


def test_udf_mid_block_is_a_cpu_fault_with_exact_count(
    platform: repl.PlatformDescription, build_program: Build
) -> None:
    elf = build_program("fault", CASE=1)
    with BuiltinEngine(platform) as engine:
        engine.load_elf(elf)
        with pytest.raises(CpuFault) as caught:
            engine.read_uart(1)
        assert caught.value.function == "tb_case"
        assert "undefined instruction" in str(caught.value) and "tb_case()" in str(caught.value)
        assert engine.executed_instructions == 2 + 3   # the udf itself does not retire


def test_bkpt_is_a_cpu_fault(platform: repl.PlatformDescription, build_program: Build) -> None:
    with BuiltinEngine(platform) as engine:
        engine.load_elf(build_program("fault", CASE=5))
        with pytest.raises(CpuFault, match="breakpoint") as caught:
            engine.read_uart(1)
        assert caught.value.pc == SymbolTable(build_program("fault", CASE=5)).address_of("tb_case") + 6
        assert engine.executed_instructions == 5


def test_unmapped_read(platform: repl.PlatformDescription, build_program: Build) -> None:
    elf = build_program("fault", CASE=2)
    with BuiltinEngine(platform) as engine:
        engine.load_elf(elf)
        with pytest.raises(UnmappedAccess) as caught:
            engine.read_uart(1)
        error = caught.value
        assert (error.address, error.kind, error.size) == (0x60000000, "read", 4)
        assert error.pc == SymbolTable(elf).address_of("tb_case") + 8  # movs, movs, mov.w
        assert error.function == "tb_case" and error.peripheral is None
        assert "0x60000000" in str(error) and "nrf52840.repl maps nothing there" in str(error)
        assert engine.executed_instructions == 5


def test_declared_but_unmodelled_peripheral(build_program: Build, tmp_path: Path) -> None:
    described = tmp_path / "with-timer.repl"
    described.write_text(repl.DEFAULT_PLATFORM.read_text()
                         + "\ntimer0: Timers.NRF52840_Timer @ sysbus 0x40008000\n")
    elf = build_program("fault", CASE=3)
    with BuiltinEngine(repl.load(described)) as engine:
        engine.load_elf(elf)
        with pytest.raises(UnmappedAccess) as caught:
            engine.read_uart(1)
        error = caught.value
        assert error.peripheral == "timer0" and error.kind == "write"
        assert error.pc == SymbolTable(elf).address_of("tb_case") + 6  # movs, movs, ldr (literal)
        assert "declared in the .repl but not modelled by the built-in engine" in str(error)
        assert engine.executed_instructions == 5


def test_branch_to_self_exhausts_the_budget(
    platform: repl.PlatformDescription, build_program: Build
) -> None:
    with BuiltinEngine(platform, instruction_budget=50_000) as engine:
        engine.load_elf(build_program("fault", CASE=4))
        with pytest.raises(InstructionBudgetExceeded) as caught:
            engine.read_uart(1)
        assert caught.value.budget == 50_000 and caught.value.function == "spin"
        assert engine.executed_instructions == 50_000


def test_uart_echo_drops_early_bytes_and_detects_idle(
    platform: repl.PlatformDescription, build_program: Build
) -> None:
    with BuiltinEngine(platform) as engine:
        engine.load_elf(build_program("echo"))
        engine.write_uart(b"early")             # before ENABLE/STARTRX: dropped
        assert engine.read_uart(1) == b"H"
        assert engine.dropped_uart_bytes == 5
        with pytest.raises(FirmwareIdle) as caught:
            engine.read_uart(1)
        assert (caught.value.expected, caught.value.received) == (1, 0)
        engine.write_uart(b"\x05")
        assert engine.read_uart(1) == b"\x06"
        engine.write_uart(b"abc")
        assert engine.read_uart(2) == b"bc"
        assert engine.read_uart(1) == b"d"


def echo_session(platform: repl.PlatformDescription, elf: Path) -> tuple[bytes, list[int]]:
    out, counts = b"", []
    with BuiltinEngine(platform) as engine:
        engine.load_elf(elf)
        out += engine.read_uart(1)
        counts.append(engine.executed_instructions)
        for chunk in (b"\x01", b"xyz", b"\xfe\x10"):
            engine.write_uart(chunk)
            out += engine.read_uart(len(chunk))
            counts.append(engine.executed_instructions)
    return out, counts


def test_determinism(platform: repl.PlatformDescription, build_program: Build) -> None:
    first = echo_session(platform, build_program("echo"))
    second = echo_session(platform, build_program("echo"))
    assert first == second
    assert first[0] == b"H\x02yz{\xff\x11"


def test_easydma_on_the_bench_uart_is_refused(tmp_path: Path) -> None:
    board = tmp_path / "dma.repl"
    board.write_text(f'using "{repl.DEFAULT_PLATFORM}"\nuart0:\n    easyDMA: true\n')
    with pytest.raises(PlatformError, match="'uart0' has easyDMA: true; the bench talks to the firmware over it"):
        BuiltinEngine(repl.load(board))


def test_another_easydma_uart_is_inert_until_touched(build_program: Build, tmp_path: Path) -> None:
    """Renode's stock nRF52840 declares uart1 with EasyDMA; the firmware never uses it, so the
    description is taken as Renode takes it, and a touch is a named fault."""
    board = tmp_path / "uart1.repl"
    board.write_text(repl.DEFAULT_PLATFORM.read_text()
                     + "\nuart1: UART.NRF52840_UART @ sysbus 0x40008000\n    easyDMA: true\n")
    with BuiltinEngine(repl.load(board)) as engine:  # accepted
        engine.load_elf(build_program("echo"))
    elf = build_program("fault", CASE=3)  # writes 0x40008000
    with BuiltinEngine(repl.load(board)) as engine:
        engine.load_elf(elf)
        with pytest.raises(UnmappedAccess) as caught:
            engine.read_uart(1)
        assert caught.value.peripheral == "uart1 (EasyDMA UART, not modelled)"


def test_speed_report(build_program: Build) -> None:
    result = measure_speed(build_program("dotprod"), repeats=1)
    assert result["instructions"] == 4_620_053
    assert result["counting_mips"] > 0 and result["uninstrumented_mips"] > 0
    assert 0 < result["ratio"] < 2
