"""uart0's bytes over the TCP socket of Renode's server socket terminal (binary mode)."""
from __future__ import annotations

import socket
import time

from ..errors import EmulatorTimeout
from .errors import RenodeProcessError

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A TCP port free on every interface right now (Renode binds the terminal on all of them).

    Another process can take it before Renode binds it: the engine retries on that failure.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("", 0))
        return int(probe.getsockname()[1])


class UartSocket:
    """A client of the terminal's server socket: send bytes, read exact counts with a deadline."""

    def __init__(self, port: int, name: str = "uart0") -> None:
        self.port = port
        self.name = name
        self._sock: socket.socket | None = None
        self._pending = bytearray()

    def connect(self, timeout_s: float) -> None:
        """Connect to 127.0.0.1:port, retrying until the listener is there or timeout_s passes."""
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                sock = socket.create_connection((LOOPBACK, self.port), timeout=max(0.1, deadline - time.monotonic()))
                break
            except OSError as exc:
                if time.monotonic() >= deadline:
                    raise RenodeProcessError(
                        f"cannot connect to Renode's UART terminal on {LOOPBACK}:{self.port}: {exc}"
                    ) from exc
                time.sleep(0.05)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock = sock

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None

    def send(self, data: bytes) -> None:
        sock = self._connected()
        try:
            sock.settimeout(30.0)
            sock.sendall(data)
        except OSError as exc:
            raise RenodeProcessError(f"sending {len(data)} byte(s) to {self.name} failed: {exc}") from exc

    def read(self, count: int, timeout_s: float) -> bytes:
        """Exactly `count` bytes; EmulatorTimeout names what was awaited and what came."""
        sock = self._connected()
        deadline = time.monotonic() + timeout_s
        while len(self._pending) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise EmulatorTimeout(self._awaited(count), timeout_s)
            sock.settimeout(remaining)
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                raise EmulatorTimeout(self._awaited(count), timeout_s) from None
            except OSError as exc:
                raise RenodeProcessError(f"reading {self.name} failed: {exc}; {self._awaited(count)}") from exc
            if not chunk:
                raise RenodeProcessError(
                    f"Renode closed {self.name}'s terminal socket while the host waited for "
                    f"{self._awaited(count)}: the emulator exited or was stopped"
                )
            self._pending += chunk
        data = bytes(self._pending[:count])
        del self._pending[:count]
        return data

    def _awaited(self, count: int) -> str:
        got = bytes(self._pending)
        shown = got[:64].hex(" ") + (" ..." if len(got) > 64 else "")
        return f"{count} byte(s) from {self.name} over Renode's socket terminal ({len(got)} received so far: [{shown}])"

    def _connected(self) -> socket.socket:
        if self._sock is None:
            raise RenodeProcessError(f"{self.name}'s terminal socket is not connected: load an ELF first")
        return self._sock
