"""uart0 of a built-in engine on a pseudo-terminal, like Renode's CreateUartPtyTerminal.

The slave side (e.g. /dev/pts/5) is opened by pyserial or any serial tool as a board's port.
The firmware runs while it has work; bytes are forwarded both ways in raw mode.
"""
from __future__ import annotations

import os
import select
import signal
import threading
import tty
from typing import Callable, Sequence

from .engine import BuiltinEngine

SLICE_S = 0.05
IDLE_POLL_S = 0.1


class UartPtyBridge:
    """Forward the engine's host UART to the master side of a fresh raw pseudo-terminal."""

    def __init__(self, engine: BuiltinEngine) -> None:
        self.engine = engine
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)

    def close(self) -> None:
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def __enter__(self) -> "UartPtyBridge":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def serve(self, stop: threading.Event | None = None) -> None:
        """Bridge until stop is set; emulation errors propagate to the caller."""
        while stop is None or not stop.is_set():
            out = self.engine.run_slice(SLICE_S)
            if out:
                os.write(self._master, out)
            wait = IDLE_POLL_S if self.engine.waiting_for_input else 0.0
            readable, _, _ = select.select([self._master], [], [], wait)
            if readable:
                try:
                    data = os.read(self._master, 4096)
                except OSError:
                    data = b""
                if data:
                    self.engine.write_uart(data)


def serve_firmware_pty(
    elf: str, platform_path: str, tell: Callable[[str], None], repl_path: Sequence[str] = ()
) -> None:
    """Load elf and bridge its uart0 to a pseudo-terminal whose path is told first."""
    from ..repl import load, search_path

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        with BuiltinEngine(load(platform_path, roots=search_path(repl_path)), instruction_budget=None) as engine:
            engine.load_elf(elf)
            with UartPtyBridge(engine) as bridge:
                tell(bridge.path)
                try:
                    bridge.serve()
                except KeyboardInterrupt:
                    tell("stopped")
    finally:
        signal.signal(signal.SIGTERM, previous)
