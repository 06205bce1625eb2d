"""The engines by name: the list, each one's availability, and the one constructor."""
from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Sequence

from tflm_bench.board import load_description as load, search_path

from .engine import Engine
from .errors import EmulationError


class EngineName(StrEnum):
    """The emulators that run bench firmware from a platform description."""

    BUILTIN = "builtin"  # Unicorn with exact counting and a Cortex-M4 cycle model; offline
    RENODE = "renode"    # the reference emulator, found through RENODE or PATH
    SERIAL = "serial"    # no emulator: a real board on a serial port (port=..., baud=...)

    @classmethod
    def default(cls) -> EngineName:
        return cls.BUILTIN

    @classmethod
    def parse(cls, text: str) -> EngineName:
        try:
            return cls(text)
        except ValueError:
            raise EmulationError(f"unknown engine {text!r}; available: {', '.join(cls)}") from None


def unavailable_reason(name: EngineName | str) -> str | None:
    """None when engine `name` can run here; otherwise why not and what to do."""
    if EngineName.parse(name) is EngineName.RENODE:
        from .renode.discovery import renode_available
        from .renode.errors import INSTALL_HINT, NOT_INSTALLED

        if not renode_available():
            return f"{NOT_INSTALLED}: {INSTALL_HINT}"
    return None


def available(name: EngineName | str) -> bool:
    return unavailable_reason(name) is None


def create_engine(
    name: EngineName | str, platform: Path, repl_path: Sequence[Path] = (), **options: object
) -> Engine:
    """An unopened engine `name` for the .repl at `platform`; use it as a context manager.

    `repl_path`: extra root folders for the description's `using` lines (--repl-path), searched
    before $TFLM_BENCH_REPL_PATH and the Renode the bench finds (repl.search_path). The serial
    engine takes `port=` (and `baud=`) instead; the platform describes the board."""
    engine = EngineName.parse(name)
    if engine is EngineName.BUILTIN:
        from .builtin.engine import BuiltinEngine

        return BuiltinEngine(load(platform, roots=search_path(repl_path)), **options)  # type: ignore[arg-type]
    if engine is EngineName.SERIAL:
        from .serial.engine import SerialEngine

        return SerialEngine(**options)  # type: ignore[arg-type]
    from .renode.engine import RenodeEngine

    return RenodeEngine(platform, repl_path=tuple(repl_path), **options)  # type: ignore[arg-type]
