"""The interface the engines implement for the bench: the emulators (built-in on Unicorn,
Renode) and a real board on a serial port."""

from __future__ import annotations

import abc
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType


@dataclass(frozen=True)
class CyccntRead:
    """One firmware read of DWT CYCCNT, with the engine's counts just before it."""

    value: int              # what the firmware read
    instructions: int       # instructions retired before the reading load
    estimated_cycles: int   # the engine's estimated Cortex-M4 cycles by then (a model)


class Engine(abc.ABC):
    """One board (emulated, or real on a serial port) running one firmware; open it, load an
    ELF, talk over uart0."""

    name: str = "engine"
    # False for a real board: load_elf neither flashes nor resets it, so no HELLO follows and
    # the host resynchronises the protocol instead (BenchDevice.resync).
    boots_on_load: bool = True

    @abc.abstractmethod
    def open(self) -> None:
        """Start the emulator (idempotent)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Stop the emulator and free what it holds (idempotent)."""

    @abc.abstractmethod
    def load_elf(self, path: Path | str) -> None:
        """Load firmware and reset: SP from word 0 of the vector table, PC from word 1."""

    @abc.abstractmethod
    def write_uart(self, data: bytes) -> None:
        """Queue bytes for uart0 RX (dropped, as on Renode, before the firmware starts RX)."""

    @abc.abstractmethod
    def read_uart(self, count: int, timeout_s: float = 30.0) -> bytes:
        """Run until count TX bytes are available; return exactly count, keep the rest."""

    @property
    @abc.abstractmethod
    def executed_instructions(self) -> int | None:
        """Exact number of instructions executed since load_elf; None where nobody counts them
        (a real board)."""

    def take_cyccnt_reads(self) -> list[CyccntRead] | None:
        """CYCCNT reads since the last call, with estimated cycles; None if not estimated."""
        return None

    def notes(self) -> list[str]:
        """What this engine left out of the platform description, for the report."""
        return []

    def __enter__(self) -> "Engine":
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
