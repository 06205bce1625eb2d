"""Platform descriptions (.repl) and the engines that run firmware on them.

The emulation stage's public entry: `create_engine(name, platform)` (an Engine to open and
close), the engine list `EngineName` with `available()`, and what reading firmware and its
faults takes. The platform description and the board facts it gives are tflm_bench.board's.
Other stages import from here, never from the modules behind it.
"""
from .elf_info import check_elf, source_locator, stack_bounds, vector_table_address
from .engine import CyccntRead, Engine
from .builtin.hostlib import HostBuildError
from .errors import EmulationError, FirmwareFileError, PlatformError
from .factory import EngineName, available, create_engine, unavailable_reason
from .faults import FaultState, StackBounds, describe_fault
from .renode.errors import INSTALL_HINT, NOT_INSTALLED, RenodeInstallError, RenodeNotInstalled
from .serial import DEFAULT_BAUD
from .serial.errors import MISSING_PORT_FIX, SerialPortError, SerialTimeout

__all__ = [
    "DEFAULT_BAUD", "INSTALL_HINT", "MISSING_PORT_FIX", "NOT_INSTALLED", "CyccntRead", "EmulationError", "Engine",
    "FirmwareFileError", "HostBuildError", "PlatformError", "RenodeInstallError",
    "EngineName", "FaultState", "RenodeNotInstalled", "SerialPortError", "SerialTimeout", "StackBounds", "available",
    "check_elf", "create_engine", "describe_fault", "install_renode", "serve_uart_pty", "serve_uart_socket",
    "source_locator", "stack_bounds", "unavailable_reason", "vector_table_address",
]


def install_renode(*args: object, **kwargs: object) -> object:
    """Download (or take `archive=`) a pinned Renode release; see emulation/renode/install.py."""
    from .renode.install import install

    return install(*args, **kwargs)  # type: ignore[arg-type]


def serve_uart_socket(*args: object, **kwargs: object) -> None:
    """Run firmware on the built-in engine with uart0 on a loopback TCP socket, until stopped."""
    from .builtin.uart_socket import serve_firmware

    serve_firmware(*args, **kwargs)  # type: ignore[arg-type]


def serve_uart_pty(*args: object, **kwargs: object) -> None:
    """Run firmware on the built-in engine with uart0 on a pseudo-terminal, until stopped."""
    from .builtin.uart_pty import serve_firmware_pty

    serve_firmware_pty(*args, **kwargs)  # type: ignore[arg-type]
