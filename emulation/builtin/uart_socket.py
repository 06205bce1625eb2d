"""uart0 of a built-in engine on a TCP socket, like Renode's server socket terminal.

External tools talk to the emulated board as to a serial port, e.g. pyserial's
``serial.serial_for_url("socket://127.0.0.1:PORT")``. The bridge listens on 127.0.0.1 only,
serves one client at a time, forwards bytes both ways and runs the firmware while it has work
(until it polls an empty receiver). Output produced while no client is connected (the boot
HELLO) is kept, up to a limit, and sent to the next client.
"""
from __future__ import annotations

import select
import socket
import threading
from typing import Callable, Sequence

from .engine import BuiltinEngine

HOST = "127.0.0.1"
SLICE_S = 0.05            # longest stretch the firmware runs before the sockets are looked at
IDLE_POLL_S = 0.1         # how long to wait for the host while the firmware waits for input
BACKLOG_LIMIT = 64 * 1024 # output kept for a client that has not connected yet


class UartSocketBridge:
    """Serve the engine's host UART (already loaded with firmware) on 127.0.0.1:port."""

    def __init__(self, engine: BuiltinEngine, port: int = 0) -> None:
        self.engine = engine
        self._server = socket.create_server((HOST, port))
        self._client: socket.socket | None = None
        self._backlog = bytearray()

    @property
    def port(self) -> int:
        return int(self._server.getsockname()[1])

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        self._server.close()

    def __enter__(self) -> "UartSocketBridge":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def serve(
        self,
        exit_after_disconnect: bool = False,
        stop: threading.Event | None = None,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        """Bridge until stop is set, or the first client leaves when exit_after_disconnect.

        Emulation errors (a fault the firmware cannot handle, ...) propagate to the caller.
        """
        tell = on_event or (lambda _: None)
        while stop is None or not stop.is_set():
            self._forward(self.engine.run_slice(SLICE_S))
            wait = IDLE_POLL_S if self.engine.waiting_for_input else 0.0
            readable, _, _ = select.select(self._sockets(), [], [], wait)
            if self._server in readable and self._client is None:
                self._client, address = self._server.accept()
                self._client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                tell(f"client connected from {address[0]}:{address[1]}")
                self._forward(b"")
            if self._client is not None and self._client in readable:
                data = self._receive()
                if data is None:
                    tell("client disconnected")
                    self._client.close()
                    self._client = None
                    if exit_after_disconnect:
                        return
                elif data:
                    self.engine.write_uart(data)

    def _sockets(self) -> list[socket.socket]:
        return [self._server] if self._client is None else [self._server, self._client]

    def _receive(self) -> bytes | None:
        """Bytes from the client; None once it has gone."""
        assert self._client is not None
        try:
            data = self._client.recv(4096)
        except (ConnectionResetError, OSError):
            return None
        return data or None

    def _forward(self, data: bytes) -> None:
        """Firmware output to the client, or to the backlog while none is connected."""
        self._backlog += data
        if self._client is None:
            del self._backlog[:-BACKLOG_LIMIT]
            return
        if self._backlog:
            try:
                self._client.sendall(bytes(self._backlog))
            except OSError:
                pass  # the next recv sees the disconnect
            self._backlog.clear()


def serve_firmware(
    elf: str,
    platform_path: str,
    port: int,
    exit_after_disconnect: bool,
    tell: Callable[[str], None],
    repl_path: Sequence[str] = (),
) -> None:
    """Load elf on a built-in engine for the .repl at platform_path and bridge its uart0 to
    127.0.0.1:port (0 picks a free port) until Ctrl-C, or the client leaves when asked to."""
    from tflm_bench.board import load_description as load, search_path

    with BuiltinEngine(load(platform_path, roots=search_path(repl_path)), instruction_budget=None) as engine:
        engine.load_elf(elf)
        with UartSocketBridge(engine, port) as bridge:
            host_uart = engine.platform.find_by_type("UART.NRF52840_UART")
            name = host_uart[0].name if host_uart else "uart0"
            tell(f"{name} of {elf} on socket://{HOST}:{bridge.port} (Ctrl-C to stop)")
            try:
                bridge.serve(exit_after_disconnect, on_event=tell)
            except KeyboardInterrupt:
                tell("stopped")
