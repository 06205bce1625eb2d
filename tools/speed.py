"""Emulation speed with exact instruction counting vs. Unicorn with no hooks, same firmware,
and QEMU's speed on an equivalent image (scripts/benchmark_engine_speed.py prints them)."""

from __future__ import annotations

import shutil
import struct
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import unicorn
from elftools.elf.elffile import ELFFile
from unicorn import arm_const as arm

from tflm_bench.emulation.builtin.engine import BuiltinEngine
from tflm_bench.emulation.builtin.symbols import SymbolTable
from tflm_bench.emulation.errors import EmulationError
from tflm_bench.board.description import DEFAULT_PLATFORM, PlatformDescription, load


SYSTEM_PAGES = (0xE000E000, 0xE0001000)   # System Control Space, DWT
QEMU = "qemu-system-arm"


def _stop_address(elf: Path, stop_symbol: str) -> int:
    address = SymbolTable(elf).address_of(stop_symbol)
    if address is not None:
        return address
    raise EmulationError(
        f"{elf} has no symbol '{stop_symbol}'; measure_speed runs from reset to that address"
    )


def _bare_run(elf: Path, platform: PlatformDescription, stop: int, timeout_s: float) -> float:
    """Seconds Unicorn takes from reset to stop with memories only and no hooks."""
    uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_THUMB | unicorn.UC_MODE_MCLASS)
    uc.ctl_set_cpu_model(arm.UC_CPU_ARM_CORTEX_M4)
    for memory in platform.memories():
        for registration in memory.addresses:
            if registration.address is not None:
                uc.mem_map(registration.address, int(memory.get("size") or 0))
    for base in SYSTEM_PAGES:  # plain memory, so start-up writes (CPACR, DWT) need no hooks
        uc.mem_map(base, 0x1000)
    with elf.open("rb") as stream:
        for segment in ELFFile(stream).iter_segments():
            if segment["p_type"] == "PT_LOAD" and segment["p_filesz"]:
                uc.mem_write(segment["p_paddr"], segment.data())
    sp, pc = struct.unpack("<II", uc.mem_read(0, 8))
    uc.reg_write(arm.UC_ARM_REG_SP, sp)
    start = time.perf_counter()
    uc.emu_start(pc | 1, stop, timeout=int(timeout_s * 1e6))
    elapsed = time.perf_counter() - start
    if uc.reg_read(arm.UC_ARM_REG_PC) != stop:
        raise EmulationError(
            f"the uninstrumented run did not reach 0x{stop:08x}; the firmware must get there "
            f"without peripherals (a pure compute loop)"
        )
    return elapsed


def measure_speed(
    elf: Path | str,
    *,
    stop_symbol: str = "dot_done",
    platform: PlatformDescription | None = None,
    repeats: int = 3,
    timeout_s: float = 120.0,
) -> dict[str, float | int]:
    """Run elf from reset to stop_symbol with and without exact counting; best of repeats.

    Returns instructions, both times and MIPS, and ratio = counting MIPS / uninstrumented MIPS.
    The firmware must reach the symbol without touching peripherals.
    """
    elf = Path(elf)
    platform = platform or load(DEFAULT_PLATFORM)
    stop = _stop_address(elf, stop_symbol)
    counted_s, bare_s, instructions = float("inf"), float("inf"), 0
    for _ in range(repeats):
        with BuiltinEngine(platform, instruction_budget=None) as engine:
            engine.load_elf(elf)
            start = time.perf_counter()
            engine.run_until(stop, timeout_s)
            counted_s = min(counted_s, time.perf_counter() - start)
            instructions = engine.executed_instructions
        bare_s = min(bare_s, _bare_run(elf, platform, stop, timeout_s))
    counting_mips = instructions / counted_s / 1e6
    bare_mips = instructions / bare_s / 1e6
    return {
        "instructions": instructions,
        "counting_seconds": counted_s,
        "uninstrumented_seconds": bare_s,
        "counting_mips": counting_mips,
        "uninstrumented_mips": bare_mips,
        "ratio": counting_mips / bare_mips,
    }


def count_instructions(
    elf: Path | str, stop_symbol: str, platform: PlatformDescription | None = None
) -> int:
    """Exact instructions from reset to stop_symbol on the built-in engine."""
    elf = Path(elf)
    with BuiltinEngine(platform or load(DEFAULT_PLATFORM), instruction_budget=None) as engine:
        engine.load_elf(elf)
        engine.run_until(_stop_address(elf, stop_symbol), 600.0)
        return engine.executed_instructions


def qemu_seconds(elf: Path | str, machine: str = "mps2-an386", timeout_s: float = 120.0) -> float:
    """Wall time of qemu-system-arm running elf to its semihosting exit (start-up included)."""
    if shutil.which(QEMU) is None:
        raise EmulationError(f"{QEMU} is not installed (apt-get install qemu-system-arm)")
    command = [QEMU, "-M", machine, "-nographic", "-monitor", "none", "-serial", "none",
               "-semihosting-config", "enable=on,target=native", "-kernel", str(elf)]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise EmulationError(
            f"{' '.join(command)} exited with {result.returncode}: {result.stderr.strip()[:400]}"
        )
    return elapsed


@dataclass(frozen=True)
class QemuSpeed:
    short_instructions: int
    long_instructions: int
    short_seconds: float
    long_seconds: float

    @property
    def mips(self) -> float:
        """Start-up removed: the extra instructions of the long run over its extra time."""
        extra = self.long_seconds - self.short_seconds
        return (self.long_instructions - self.short_instructions) / max(extra, 1e-9) / 1e6


def measure_qemu(
    short_elf: Path | str,
    long_elf: Path | str,
    *,
    stop_symbol: str = "bench_done",
    repeats: int = 3,
    platform: PlatformDescription | None = None,
) -> QemuSpeed:
    """QEMU MIPS from two lengths of the same loop, counted exactly on the built-in engine."""
    short_n = count_instructions(short_elf, stop_symbol, platform)
    long_n = count_instructions(long_elf, stop_symbol, platform)
    short_s = min(qemu_seconds(short_elf) for _ in range(repeats))
    long_s = min(qemu_seconds(long_elf) for _ in range(repeats))
    return QemuSpeed(short_n, long_n, short_s, long_s)
