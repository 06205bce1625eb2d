"""uart0 of a built-in engine on a pseudo-terminal, like Renode's CreateUartPtyTerminal.

The slave side (e.g. /dev/pts/5) is opened by pyserial or any serial tool as a board's port.
The firmware runs while it has work; bytes are forwarded both ways in raw mode. The bridge
keeps its own slave descriptor open, so a client closing the port is no hang-up: the next
client opens the same path (and finds what the firmware sent meanwhile, as on a board; a
client drains it first). When the firmware can never act again (a branch to itself after its
fault report, or after main returned) the bridge waits for the client to read the rest, then
ends.
"""
from __future__ import annotations

import fcntl
import os
import select
import signal
import termios
import threading
import time
import tty
from typing import Callable, Sequence

from .engine import BuiltinEngine

SLICE_S = 0.05
IDLE_POLL_S = 0.1
SETTLE_S = 0.1
UNREAD_GRACE_S = 5.0  # after the firmware ended: how long its last output waits for a reader


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

    def serve(self, stop: threading.Event | None = None) -> int | None:
        """Bridge until stop is set (None), or until the firmware ends: then its PC.

        Emulation errors propagate to the caller."""
        while stop is None or not stop.is_set():
            self._write_all(self.engine.run_slice(SLICE_S))
            waiting = self.engine.waiting_for_input
            if not waiting and (pc := self.engine.spinning_at) is not None:
                self._await_reader(UNREAD_GRACE_S)
                return pc
            readable, _, _ = select.select([self._master], [], [], IDLE_POLL_S if waiting else 0.0)
            if readable:
                try:
                    data = os.read(self._master, 4096)
                except OSError:  # EIO only if every slave descriptor closed; ours stays open
                    data = b""
                if data:
                    self.engine.write_uart(data)
        return None

    def _write_all(self, data: bytes) -> None:
        """Everything to the client; blocks while its input queue is full (the client's flow
        control: the firmware waits for the host as it would on a UART with RTS/CTS)."""
        view = memoryview(data)
        while view:
            view = view[os.write(self._master, view):]

    def unread(self) -> int:
        """Bytes the firmware sent that no client has read yet."""
        return int.from_bytes(fcntl.ioctl(self._slave, termios.FIONREAD, b"\0\0\0\0"), "little")

    def _await_reader(self, limit_s: float) -> None:
        # The kernel moves written bytes to the slave's queue a moment later, so look only
        # after a pause; closing the master before the client has read them loses them (EIO).
        deadline = time.monotonic() + limit_s
        time.sleep(SETTLE_S)
        while self.unread() and time.monotonic() < deadline:
            time.sleep(SETTLE_S)
        time.sleep(SETTLE_S)  # the client's last read returns before we hang up


def serve_firmware_pty(
    elf: str, platform_path: str, tell: Callable[[str], None], repl_path: Sequence[str] = ()
) -> None:
    """Load elf and bridge its uart0 to a pseudo-terminal whose path is told first."""
    from tflm_bench.board import load_description as load, search_path

    def _stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        with BuiltinEngine(load(platform_path, roots=search_path(repl_path)), instruction_budget=None) as engine:
            engine.load_elf(elf)
            with UartPtyBridge(engine) as bridge:
                tell(bridge.path)
                try:
                    pc = bridge.serve()
                except KeyboardInterrupt:
                    tell("stopped")
                else:
                    where = engine.describe_address(pc) if pc is not None else ""
                    tell(f"firmware ended: it branches to itself at PC 0x{pc or 0:08x}"
                         f"{' in ' + where if where else ''}; bridge closed")
    finally:
        signal.signal(signal.SIGTERM, previous)
