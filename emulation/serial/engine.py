"""The bench protocol against a real board over a serial port (pyserial).

A board is neither reset nor flashed by the bench: `load_elf` only records the image, and the
session checks that the board runs that image (the build id in its INFO reply). At open the
engine drops whatever the board sent earlier (its boot HELLO, replies nobody read), so the
session resynchronises the framed protocol itself (BenchDevice.resync). Counts are the board's
DWT CYCCNT readings: real cycles on silicon; executed instructions are unknown (None).
"""
from __future__ import annotations

import errno
import time
from pathlib import Path
from typing import Callable

import serial

from ..elf_info import check_elf
from ..engine import Engine
from . import DEFAULT_BAUD
from .errors import MISSING_PORT_FIX, SerialPortError, SerialTimeout

DRAIN_QUIET_S = 0.2   # the line counts as quiet after this long without a byte
DRAIN_LIMIT_S = 2.0   # stop draining a board that never stops talking (the sync then fails)
WRITE_TIMEOUT_S = 10.0
READ_SLICE_S = 0.1    # longest single read, so a deadline is checked often

PortFactory = Callable[..., serial.Serial]

_PERMISSION_FIX = ("add yourself to the group that owns it (e.g. `sudo usermod -aG dialout $USER`, then log in "
                   "again) or run with access to it")
_BUSY_FIX = "close the program that holds it (the Arduino serial monitor, screen, minicom, another tflm-bench)"


class SerialEngine(Engine):
    """A board on `port` that already runs bench firmware; open, load_elf (record), talk.

    `port` is a device path, or a pyserial URL such as the socket://127.0.0.1:N that
    `tflm-bench emulate FW.elf --uart-port N` serves."""

    name = "serial"
    boots_on_load = False

    def __init__(self, port: str, baud: int = DEFAULT_BAUD, drain_quiet_s: float = DRAIN_QUIET_S,
                 drain_limit_s: float = DRAIN_LIMIT_S, port_factory: PortFactory = serial.serial_for_url) -> None:
        if not port:
            raise SerialPortError("(none)", "no port given", MISSING_PORT_FIX)
        if baud < 1:
            raise SerialPortError(port, f"baud rate {baud} is not positive", "give --baud 115200, the firmware's rate")
        self.port = str(port)
        self.baud = int(baud)
        self.drain_quiet_s = drain_quiet_s
        self.drain_limit_s = drain_limit_s
        self._factory = port_factory
        self._serial: serial.Serial | None = None
        self.elf: Path | None = None
        self.drained_bytes = 0  # stale bytes dropped at open, for the log

    # -- life cycle ------------------------------------------------------------------------
    def open(self) -> None:
        if self._serial is not None:
            return
        if not Path(self.port).exists() and "://" not in self.port:
            raise SerialPortError(self.port, "no such device", MISSING_PORT_FIX)
        try:
            self._serial = self._factory(self.port, self.baud, timeout=READ_SLICE_S,
                                         write_timeout=WRITE_TIMEOUT_S, exclusive=True)
        except serial.SerialException as exc:
            raise self._open_error(exc) from exc
        except OSError as exc:  # pragma: no cover - pyserial wraps most of these
            raise self._open_error(exc) from exc
        self.drained_bytes = self._drain()

    def _open_error(self, exc: BaseException) -> SerialPortError:
        code = getattr(exc, "errno", None)
        text = str(exc)
        if code == errno.EACCES or "Permission denied" in text:
            return SerialPortError(self.port, "permission denied", _PERMISSION_FIX)
        if code in (errno.EBUSY, errno.EAGAIN) or "busy" in text.lower() or "lock" in text.lower():
            return SerialPortError(self.port, "busy: another program has it open", _BUSY_FIX)
        if code == errno.ENOENT or "No such file" in text:
            return SerialPortError(self.port, "no such device", MISSING_PORT_FIX)
        return SerialPortError(self.port, f"cannot open it ({text})", MISSING_PORT_FIX)

    def _drain(self) -> int:
        """Drop what the board sent before we came (boot HELLO, unread replies): read until the
        line has been quiet for drain_quiet_s, at most drain_limit_s."""
        port = self._port()
        port.reset_input_buffer()
        dropped = 0
        quiet_since = time.monotonic()
        limit = quiet_since + self.drain_limit_s
        while True:
            now = time.monotonic()
            if now - quiet_since >= self.drain_quiet_s or now >= limit:
                return dropped
            port.timeout = min(READ_SLICE_S, self.drain_quiet_s)
            data = self._read(port, 4096)
            if data:
                dropped += len(data)
                quiet_since = time.monotonic()

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            finally:
                self._serial = None

    # -- the Engine interface --------------------------------------------------------------
    def load_elf(self, path: Path | str) -> None:
        """Record the image the board should run; the bench cannot flash it (see docs/engines.md)."""
        self.elf = check_elf(Path(path))

    def write_uart(self, data: bytes) -> None:
        port = self._port()
        try:
            port.write(bytes(data))
            port.flush()
        except serial.SerialTimeoutException as exc:
            raise SerialTimeout(self.port, f"the board to take {len(data)} byte(s)", WRITE_TIMEOUT_S, 0) from exc
        except serial.SerialException as exc:
            raise SerialPortError(self.port, f"write failed ({exc})", "check the cable and that the board is still attached") from exc

    def read_uart(self, count: int, timeout_s: float = 30.0) -> bytes:
        port = self._port()
        data = bytearray()
        deadline = time.monotonic() + timeout_s
        while len(data) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise SerialTimeout(self.port, f"{count} byte(s) from the board", timeout_s, len(data))
            port.timeout = min(READ_SLICE_S, remaining)
            data += self._read(port, count - len(data))
        return bytes(data)

    def _read(self, port: serial.Serial, count: int) -> bytes:
        try:
            return bytes(port.read(count))
        except serial.SerialException as exc:
            raise SerialPortError(self.port, f"read failed ({exc})",
                                  "check the cable and that the board is still attached") from exc

    @property
    def executed_instructions(self) -> int | None:
        """Unknown: a board does not count retired instructions (its counts are DWT CYCCNT cycles)."""
        return None

    def _port(self) -> serial.Serial:
        if self._serial is None:
            raise SerialPortError(self.port, "not open", "open the engine first (use it as a context manager)")
        return self._serial
