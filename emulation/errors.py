"""Errors of the emulation layer: each names the problem and what to do about it."""

from __future__ import annotations

REPL_HINT = "bench/board/platforms/nrf52840.repl"


def _where(pc: int | None, function: str | None) -> str:
    if pc is None:
        return ""
    text = f" at PC 0x{pc:08x}"
    if function:
        text += f" in {function}()"
    return text


class EmulationError(Exception):
    """Base of every error raised by an emulation engine or a platform description."""


class PlatformError(EmulationError):
    """The platform description asks for something this engine cannot provide."""


class InstructionBudgetExceeded(EmulationError):
    """The firmware ran more instructions than allowed without producing what was awaited."""

    def __init__(self, budget: int, pc: int, function: str | None = None) -> None:
        self.budget = budget
        self.pc = pc
        self.function = function
        super().__init__(
            f"the firmware executed more than {budget:,} instructions without producing the "
            f"awaited UART output; it was last{_where(pc, function)}. A branch to itself or a "
            f"lock-up loop looks like this; if the work is really that long, raise the engine's "
            f"instruction_budget"
        )


class UnmappedAccess(EmulationError):
    """The firmware touched an address that nothing (or nothing modelled) answers."""

    def __init__(
        self,
        address: int,
        kind: str,
        size: int,
        pc: int | None,
        function: str | None = None,
        peripheral: str | None = None,
        repl_path: str | None = None,
    ) -> None:
        self.address = address
        self.kind = kind
        self.size = size
        self.pc = pc
        self.function = function
        self.peripheral = peripheral
        repl = repl_path or REPL_HINT
        what = "fetched code from" if kind == "fetch" else f"{'read' if kind == 'read' else 'wrote'}"
        access = f"({size}-byte {kind})" if size else f"({kind})"
        head = f"firmware {what} {'unmapped address' if peripheral is None else 'address'} "
        head += f"0x{address:08x} {access}{_where(pc, function)}; "
        if peripheral is not None:
            tail = (
                f"it belongs to peripheral '{peripheral}', declared in the .repl but not modelled "
                f"by the built-in engine; remove the access from the firmware or run it on Renode"
            )
        else:
            tail = (
                f"the platform description {repl} maps nothing there; check the firmware's "
                f"pointers and linker script, or declare the memory in the .repl"
            )
        super().__init__(head + tail)


class CpuFault(EmulationError):
    """The CPU stopped on an instruction it cannot execute (undefined, breakpoint, ...)."""

    def __init__(self, pc: int, reason: str, function: str | None = None) -> None:
        self.pc = pc
        self.reason = reason
        self.function = function
        super().__init__(
            f"CPU fault: {reason}{_where(pc, function)}; the firmware's vector table has no "
            f"handler for it (or it happened inside a handler), so the firmware stops here. Look "
            f"at that code (a udf/bkpt, a corrupted return address or a call through a bad "
            f"pointer)"
        )


class StackOverflow(EmulationError):
    """The stack grew below the linker script's __stack_limit and hit unmapped memory."""

    def __init__(self, sp: int, limit: int, address: int, pc: int, location: str) -> None:
        self.sp = sp
        self.limit = limit
        self.address = address
        self.pc = pc
        super().__init__(
            f"stack overflow: SP 0x{sp:08x} is below __stack_limit 0x{limit:08x}; the access to "
            f"0x{address:08x} at PC 0x{pc:08x} in {location} hit unmapped memory. Look for deep "
            f"recursion or large local arrays, or raise STACK_SIZE in the linker script"
        )


class FirmwareIdle(EmulationError):
    """The firmware waits for UART input while the host waits for its output."""

    def __init__(self, expected: int, received: int) -> None:
        self.expected = expected
        self.received = received
        super().__init__(
            f"the firmware is waiting for UART input, but the host expected {expected} byte(s) "
            f"of output and only {received} arrived; send the firmware its command (write_uart) "
            f"before reading, or check that it answered the previous one"
        )


class EmulatorTimeout(EmulationError):
    """Waiting for the emulator took longer than allowed (wall-clock time)."""

    def __init__(self, waiting_for: str, seconds: float) -> None:
        self.waiting_for = waiting_for
        self.seconds = seconds
        super().__init__(
            f"timed out after {seconds:g} s waiting for {waiting_for}; the firmware may be "
            f"stuck or slow: raise the timeout, or lower the instruction budget to find a loop"
        )


class FirmwareFileError(EmulationError):
    """The file given as firmware is missing, a directory, or not a 32-bit ELF."""
