"""Errors of the serial engine: each names the port, the problem and what to do."""
from __future__ import annotations

from ..errors import EmulationError

MISSING_PORT_FIX = ("plug the board in and name its port with --port: the USB-serial adapter wired to the "
                    "Nano 33 BLE's D0/D1 pins, usually /dev/ttyUSB0 (the board's own USB port, /dev/ttyACM0, "
                    "is its bootloader's; `ls /dev/ttyACM* /dev/ttyUSB*` lists candidates)")


class SerialPortError(EmulationError):
    """The serial port is missing, busy or refused (a user's setup problem: exit code 2)."""

    def __init__(self, port: str, problem: str, fix: str) -> None:
        self.port = port
        self.problem = problem
        super().__init__(f"serial port {port}: {problem}; {fix}")


class SerialTimeout(EmulationError):
    """The board did not send what the bench waited for in time (exit code 2: check the board)."""

    def __init__(self, port: str, waiting_for: str, seconds: float, received: int) -> None:
        self.port = port
        self.seconds = seconds
        self.received = received
        super().__init__(
            f"no answer on serial port {port}: waited {seconds:.1f} s for {waiting_for} and got {received} "
            f"byte(s). Check that the board runs bench firmware (flash it as docs/engines.md's \"Comparing "
            f"against a real board\" says), that --port names the serial port its UART reaches and --baud its rate "
            f"(default 115200), and press the board's reset button if it faulted"
        )
