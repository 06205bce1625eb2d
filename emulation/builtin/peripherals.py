"""The peripherals the built-in engine models: nRF52 legacy UART, DWT, System Control Space."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable, Protocol

from ..errors import EmulationError

WORD = 0xFFFFFFFF


class Peripheral(Protocol):
    name: str
    base: int
    size: int

    def read(self, offset: int, size: int) -> int: ...

    def write(self, offset: int, size: int, value: int) -> None: ...


class RegisterStore:
    """Word registers kept as written; byte and halfword accesses act on the word."""

    def __init__(self) -> None:
        self._words: dict[int, int] = {}

    def read(self, offset: int, size: int) -> int:
        word = self._words.get(offset & ~3, 0)
        shift = (offset & 3) * 8
        return (word >> shift) & ((1 << (size * 8)) - 1)

    def write(self, offset: int, size: int, value: int) -> None:
        aligned = offset & ~3
        shift = (offset & 3) * 8
        mask = ((1 << (size * 8)) - 1) << shift
        old = self._words.get(aligned, 0)
        self._words[aligned] = ((old & ~mask) | ((value << shift) & mask)) & WORD

    def word(self, offset: int) -> int:
        return self._words.get(offset, 0)


@dataclass(frozen=True)
class PinSelect:
    """One PSEL register of an nRF52 peripheral: PIN bits 4:0, PORT bit 5, CONNECT bit 31."""

    value: int

    @property
    def connected(self) -> bool:
        return not self.value >> 31 & 1  # CONNECT = 0 means connected

    @property
    def port(self) -> int:
        return self.value >> 5 & 1

    @property
    def pin(self) -> int:
        return self.value & 0x1F

    def __str__(self) -> str:
        return f"P{self.port}.{self.pin:02d}" if self.connected else "disconnected"


class LegacyUart:
    """nRF52840 UART0 in legacy (non-EasyDMA) mode, polled; no interrupts."""

    TASKS_STARTRX = 0x000
    TASKS_STOPRX = 0x004
    TASKS_STARTTX = 0x008
    TASKS_STOPTX = 0x00C
    EVENTS_RXDRDY = 0x108
    EVENTS_TXDRDY = 0x11C
    EVENTS_ERROR = 0x124
    INTENSET = 0x304
    INTENCLR = 0x308
    ENABLE = 0x500
    PSEL_RTS = 0x508
    PSEL_TXD = 0x50C
    PSEL_CTS = 0x510
    PSEL_RXD = 0x514
    PSEL_DISCONNECTED = 0xFFFFFFFF   # the PSEL registers' reset value
    RXD = 0x518
    TXD = 0x51C
    BAUDRATE = 0x524
    CONFIG = 0x56C
    ENABLE_UART = 4
    ENABLE_UARTE = 8

    def __init__(self, name: str, base: int, stop: Callable[[], None]) -> None:
        self.name = name
        self.base = base
        self.size = 0x1000
        self._stop = stop
        self._regs = RegisterStore()
        for psel in (self.PSEL_RTS, self.PSEL_TXD, self.PSEL_CTS, self.PSEL_RXD):
            self._regs.write(psel, 4, self.PSEL_DISCONNECTED)
        self.rx: deque[int] = deque()
        self.tx = bytearray()
        self.dropped = 0
        self.rx_started = False
        self.tx_started = False
        self.awaited_tx = 0          # stop the emulation once tx holds this many bytes
        self.idle = False            # set when the firmware polled an empty RX queue

    @property
    def enabled(self) -> bool:
        return self._regs.word(self.ENABLE) == self.ENABLE_UART

    @property
    def txd_pin(self) -> PinSelect:
        """The pin TXD drives, as the firmware set PSEL.TXD."""
        return PinSelect(self._regs.word(self.PSEL_TXD))

    @property
    def rxd_pin(self) -> PinSelect:
        """The pin RXD samples, as the firmware set PSEL.RXD."""
        return PinSelect(self._regs.word(self.PSEL_RXD))

    @property
    def receiving(self) -> bool:
        return self.enabled and self.rx_started

    def feed(self, data: bytes) -> int:
        """Host -> firmware bytes; dropped (as in Renode) unless enabled and RX started."""
        if not self.receiving:
            self.dropped += len(data)
            return 0
        self.rx.extend(data)
        return len(data)

    def read(self, offset: int, size: int) -> int:
        if offset == self.EVENTS_RXDRDY:
            if self.receiving and self.rx:
                return 1
            self._waiting()
            return 0
        if offset == self.RXD:
            if self.rx:
                return self.rx.popleft()
            self._waiting()
            return 0
        return self._regs.read(offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        if offset == self.TASKS_STARTRX and value:
            self.rx_started = True
        elif offset == self.TASKS_STOPRX and value:
            self.rx_started = False
        elif offset == self.TASKS_STARTTX and value:
            self.tx_started = True
        elif offset == self.TASKS_STOPTX and value:
            self.tx_started = False
        elif offset == self.TXD:
            self.tx.append(value & 0xFF)
            self._regs.write(self.EVENTS_TXDRDY, 4, 1)
            if self.awaited_tx and len(self.tx) >= self.awaited_tx:
                self._stop()
        elif offset == self.INTENSET:
            self._regs.write(self.INTENSET, 4, self._regs.word(self.INTENSET) | value)
        elif offset == self.INTENCLR:
            self._regs.write(self.INTENSET, 4, self._regs.word(self.INTENSET) & ~value)
        elif offset == self.ENABLE and value == self.ENABLE_UARTE:
            raise EmulationError(
                f"the firmware enabled {self.name} as UARTE (ENABLE=8, EasyDMA); the built-in "
                f"engine models the legacy UART only (ENABLE=4, RXD/TXD registers), which is "
                f"also what the .repl must declare (easyDMA: false)"
            )
        else:
            self._regs.write(offset, size, value)

    def _waiting(self) -> None:
        self.idle = True
        self._stop()


class NrfClock:
    """The nRF52840 CLOCK peripheral: starting a clock source reports it started at once.

    The firmware for a real board starts the 64 MHz crystal (HFXO) and waits for
    EVENTS_HFCLKSTARTED; here the crystal is ready immediately, so that wait takes one poll
    (Renode's NRF_CLOCK also raises the event at once and reports SRC and STATE in HFCLKSTAT).
    Event registers are cleared by writing 0; everything else is kept as written.
    """

    TASKS_HFCLKSTART = 0x000
    TASKS_HFCLKSTOP = 0x004
    TASKS_LFCLKSTART = 0x008
    TASKS_LFCLKSTOP = 0x00C
    EVENTS_HFCLKSTARTED = 0x100
    EVENTS_LFCLKSTARTED = 0x104
    HFCLKRUN = 0x408
    HFCLKSTAT = 0x40C
    LFCLKRUN = 0x414
    LFCLKSTAT = 0x418
    LFCLKSRC = 0x518
    STAT_RUNNING = 1 << 16
    HFCLKSTAT_SRC_XTAL = 1

    def __init__(self, name: str, base: int) -> None:
        self.name = name
        self.base = base
        self.size = 0x1000
        self._regs = RegisterStore()

    @property
    def hfxo_running(self) -> bool:
        return self._regs.word(self.HFCLKSTAT) == self.STAT_RUNNING | self.HFCLKSTAT_SRC_XTAL

    def read(self, offset: int, size: int) -> int:
        return self._regs.read(offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        register = offset & ~3
        if register == self.TASKS_HFCLKSTART and value:
            self._regs.write(self.HFCLKRUN, 4, 1)
            self._regs.write(self.HFCLKSTAT, 4, self.STAT_RUNNING | self.HFCLKSTAT_SRC_XTAL)
            self._regs.write(self.EVENTS_HFCLKSTARTED, 4, 1)
        elif register == self.TASKS_HFCLKSTOP and value:
            self._regs.write(self.HFCLKRUN, 4, 0)
            self._regs.write(self.HFCLKSTAT, 4, 0)  # back on the internal oscillator
        elif register == self.TASKS_LFCLKSTART and value:
            self._regs.write(self.LFCLKRUN, 4, 1)
            self._regs.write(self.LFCLKSTAT, 4, self.STAT_RUNNING | (self._regs.word(self.LFCLKSRC) & 3))
            self._regs.write(self.EVENTS_LFCLKSTARTED, 4, 1)
        elif register == self.TASKS_LFCLKSTOP and value:
            self._regs.write(self.LFCLKRUN, 4, 0)
            self._regs.write(self.LFCLKSTAT, 4, 0)
        elif register < 0x100:
            return  # writing 0 to a task does nothing
        else:
            self._regs.write(offset, size, value)


class Dwt:
    """DWT CTRL.CYCCNTENA and CYCCNT on a virtual clock: instructions x frequency / MIPS.

    count_at() gives the instructions retired before the accessing instruction, so two reads
    differ by the instructions from the first read (included) to the second (excluded).
    """

    CTRL = 0x0
    CYCCNT = 0x4

    def __init__(
        self,
        name: str,
        base: int,
        frequency: int,
        performance_mips: int | float,
        count_at: Callable[[], int],
        on_read: Callable[[int], None] | None = None,
    ) -> None:
        self.name = name
        self.base = base
        self.size = 0x1000
        self._frequency = int(frequency)
        self._instructions_per_second = int(performance_mips * 1_000_000)
        self._count_at = count_at
        self._on_read = on_read          # told every CYCCNT value the firmware reads
        self._regs = RegisterStore()
        self._enabled = False
        self._value = 0              # CYCCNT at the last write, enable or disable
        self._since = 0              # instruction count then

    def needs_exact_count(self, offset: int, kind: str) -> bool:
        """CYCCNT accesses and CTRL writes depend on the exact instruction count."""
        register = offset & ~3
        return register == self.CYCCNT or (register == self.CTRL and kind == "write")

    def _cycles(self, instructions: int) -> int:
        return instructions * self._frequency // self._instructions_per_second

    def cyccnt(self, count: int) -> int:
        if not self._enabled:
            return self._value
        return (self._value + self._cycles(count - self._since)) & WORD

    def read(self, offset: int, size: int) -> int:
        if offset & ~3 == self.CYCCNT:
            value = self.cyccnt(self._count_at())
            if self._on_read is not None:
                self._on_read(value)
            return (value >> ((offset & 3) * 8)) & ((1 << (size * 8)) - 1)
        return self._regs.read(offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        if offset & ~3 == self.CYCCNT:
            count = self._count_at()
            store = RegisterStore()
            store.write(0, 4, self.cyccnt(count))
            store.write(offset & 3, size, value)
            self._value, self._since = store.word(0), count
            return
        self._regs.write(offset, size, value)
        if offset & ~3 == self.CTRL:
            enabled = bool(self._regs.word(self.CTRL) & 1)
            if enabled != self._enabled:
                count = self._count_at()
                self._value = self.cyccnt(count)
                self._since = count
                self._enabled = enabled


class SystemControlSpace:
    """0xE000E000-0xE000EFFF as registers (Unicorn 2.1.4 models none of it).

    Plain storage, except: CPUID is read-only; CFSR and HFSR are write-one-to-clear and set
    by the engine's fault entry; writes to CPACR and CCR are passed to on_change, since they
    turn the FPU and the divide-by-zero trap on or off.
    """

    CPUID = 0xD00
    CPUID_CORTEX_M4_R0P1 = 0x410FC241
    VTOR = 0xD08
    VTOR_MASK = 0xFFFFFF80           # TBLOFF: bits 31:7 (the table is 128-byte aligned)
    CCR = 0xD14
    CCR_RESET = 0x200            # STKALIGN
    CCR_DIV_0_TRP = 1 << 4
    SHCSR = 0xD24
    CFSR = 0xD28
    HFSR = 0xD2C
    MMFAR = 0xD34
    BFAR = 0xD38
    CPACR = 0xD88
    CPACR_CP10_CP11 = 0xF << 20

    def __init__(
        self,
        name: str = "scs",
        base: int = 0xE000E000,
        on_change: Callable[[int, int], None] | None = None,
    ) -> None:
        self.name = name
        self.base = base
        self.size = 0x1000
        self._on_change = on_change
        self._regs = RegisterStore()
        self._regs.write(self.CPUID, 4, self.CPUID_CORTEX_M4_R0P1)
        self._regs.write(self.CCR, 4, self.CCR_RESET)

    def read(self, offset: int, size: int) -> int:
        return self._regs.read(offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        register = offset & ~3
        if register == self.CPUID:
            return
        if register == self.VTOR:
            store = RegisterStore()
            store.write(0, 4, self._regs.word(self.VTOR))
            store.write(offset & 3, size, value)
            self._regs.write(self.VTOR, 4, store.word(0) & self.VTOR_MASK)
            return
        if register in (self.CFSR, self.HFSR):
            cleared = RegisterStore()
            cleared.write(offset & 3, size, value)
            self._regs.write(register, 4, self._regs.word(register) & ~cleared.word(0))
            return
        self._regs.write(offset, size, value)
        if register in (self.CPACR, self.CCR) and self._on_change is not None:
            self._on_change(register, self._regs.word(register))

    @property
    def vtor(self) -> int:
        """Where exceptions take their handlers from (reset value 0x0)."""
        return self._regs.word(self.VTOR)

    @property
    def cpacr(self) -> int:
        return self._regs.word(self.CPACR)

    @property
    def fpu_enabled(self) -> bool:
        return self.cpacr & self.CPACR_CP10_CP11 == self.CPACR_CP10_CP11

    @property
    def div_trap(self) -> bool:
        return bool(self._regs.word(self.CCR) & self.CCR_DIV_0_TRP)

    @property
    def shcsr(self) -> int:
        return self._regs.word(self.SHCSR)

    def register(self, offset: int) -> int:
        return self._regs.word(offset)

    def record_fault(self, cfsr: int, hfsr: int, bfar: int | None, mmfar: int | None) -> None:
        """Set status bits as the core does on a fault (they accumulate until cleared)."""
        self._regs.write(self.CFSR, 4, self._regs.word(self.CFSR) | cfsr)
        self._regs.write(self.HFSR, 4, self._regs.word(self.HFSR) | hfsr)
        if bfar is not None:
            self._regs.write(self.BFAR, 4, bfar)
        if mmfar is not None:
            self._regs.write(self.MMFAR, 4, mmfar)


class Unmodelled:
    """A peripheral declared in the .repl that this engine does not model: any access fails."""

    def __init__(
        self, name: str, base: int, size: int, report: Callable[[str, int, str, int], None]
    ) -> None:
        self.name = name
        self.base = base
        self.size = size
        self._report = report

    def read(self, offset: int, size: int) -> int:
        self._report(self.name, self.base + offset, "read", size)
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        self._report(self.name, self.base + offset, "write", size)
