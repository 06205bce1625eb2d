"""Board facts (memory map, clocks) read from a platform description, written nowhere else.

The generator sizes and links firmware from these facts and the bench converts counts to time
with them, so a `--platform` with another flash size or clock changes every stage at once.
"""
from __future__ import annotations

import dataclasses

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from .currents import NRF52840_CURRENTS, SupplyCurrents
from .description import DEFAULT_PLATFORM, PlatformDescription, ReplError, load, search_path

# Renode's CortexM default when a description sets no PerformanceInMips (BaseCPU.cs).
RENODE_DEFAULT_MIPS = 100


@dataclass(frozen=True)
class Region:
    name: str
    base: int
    size: int

    @property
    def end(self) -> int:
        return self.base + self.size

    def contains(self, address: int) -> bool:
        return self.base <= address < self.end


@dataclass(frozen=True)
class Board:
    """What firmware may use and how counts map to time on one emulated board."""

    platform: str
    flash: Region
    ram: Region
    performance_mips: int  # instructions per microsecond the emulator retires
    dwt_hz: int            # the DWT's clock: CYCCNT = instructions x dwt_hz / (MIPS x 1e6)
    # Data-sheet currents for energy estimates; a description names no currents, and every
    # board the bench describes is an nRF52840. Not part of to_dict(): no report carries them yet.
    currents: SupplyCurrents = NRF52840_CURRENTS

    @property
    def clock_hz(self) -> int:
        """The core clock: the nRF52840's DWT counts core cycles, so the DWT frequency is it."""
        return self.dwt_hz

    @property
    def counts_per_instruction(self) -> float:
        return self.dwt_hz / (self.performance_mips * 1e6)

    def seconds(self, cycles: int) -> float:
        """Wall time of `cycles` core cycles at the core clock."""
        return cycles / self.clock_hz

    def to_dict(self) -> dict[str, object]:
        return {
            "platform": self.platform,
            "flash": {"base": self.flash.base, "size": self.flash.size},
            "ram": {"base": self.ram.base, "size": self.ram.size},
            "performance_mips": self.performance_mips,
            "dwt_hz": self.dwt_hz,
        }


def core_clock_hz(board: Mapping[str, object]) -> int:
    """The core clock of a board as to_dict() wrote it (a report's `config.board`)."""
    return int(board["dwt_hz"])  # type: ignore[call-overload]


def board_from_platform(platform: PlatformDescription) -> Board:
    """Flash is the memory holding the vector table at 0x0; RAM the one at 0x20000000 (SRAM)."""
    flash = _memory_at(platform, 0x0, "flash")
    ram = _memory_at(platform, 0x20000000, "RAM")
    cpu = platform.cpu()
    mips = cpu.get("PerformanceInMips", RENODE_DEFAULT_MIPS)
    dwts = platform.find_by_type("Miscellaneous.DWT")
    if not dwts:
        raise ReplError(platform.path, cpu.source_line.line,
                        "no DWT entry (`dwt: Miscellaneous.DWT @ sysbus 0xE0001000` with `frequency:`); "
                        "the bench reads DWT CYCCNT for every count")
    frequency = dwts[0].get("frequency")
    if not isinstance(mips, int) or mips <= 0 or not isinstance(frequency, int) or frequency <= 0:
        raise ReplError(platform.path, cpu.source_line.line,
                        f"PerformanceInMips ({mips!r}) and the DWT frequency ({frequency!r}) must be positive integers")
    return Board(platform.path, flash, ram, mips, frequency, currents=_currents(platform))


def _currents(platform: PlatformDescription) -> SupplyCurrents:
    """The data-sheet currents, with what `// tflm-bench: FIELD VALUE` lines override."""
    fields = {f.name for f in dataclasses.fields(SupplyCurrents)}
    changes: dict[str, float | int] = {}
    for directive in platform.directives:
        where = directive.where
        if directive.name not in fields:
            raise ReplError(where.path, where.line, f"`// tflm-bench: {directive.name}` names no board fact; "
                                                    f"the supply currents are: {', '.join(sorted(fields))}")
        try:
            value = float(directive.value)
        except ValueError:
            raise ReplError(where.path, where.line,
                            f"`// tflm-bench: {directive.name}` wants a number, got {directive.value!r}") from None
        if value <= 0:
            raise ReplError(where.path, where.line, f"`// tflm-bench: {directive.name}` must be positive, got {value:g}")
        changes[directive.name] = int(value) if directive.name == "cpu_clock_hz" else value
    return dataclasses.replace(NRF52840_CURRENTS, **changes) if changes else NRF52840_CURRENTS


def load_board(path: Path | str | None = None, repl_path: Sequence[Path] = ()) -> Board:
    """The board of the description at `path` (default: the shipped nrf52840.repl); `using`
    lines are resolved under `repl_path` first, then description.search_path()'s other roots."""
    return board_from_platform(load(path or DEFAULT_PLATFORM, roots=search_path(repl_path)))


def _memory_at(platform: PlatformDescription, address: int, what: str) -> Region:
    for entry in platform.memories():
        size = entry.get("size")
        for registration in entry.addresses:
            if registration.address == address and isinstance(size, int):
                return Region(entry.name, address, size)
    raise ReplError(platform.path, 1, f"no Memory.MappedMemory registered at 0x{address:08x} for the {what}")
