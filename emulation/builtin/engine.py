"""The built-in engine: the platform description's memories and peripherals on Unicorn."""

from __future__ import annotations

import ctypes
import mmap
from collections import deque
import struct
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import unicorn
from elftools.elf.elffile import ELFFile
from unicorn import arm_const as arm

from tflm_bench.board import RENODE_DEFAULT_MIPS, PeripheralEntry, PlatformDescription

from ..engine import CyccntRead, Engine
from ..errors import (
    CpuFault,
    EmulationError,
    EmulatorTimeout,
    FirmwareIdle,
    InstructionBudgetExceeded,
    PlatformError,
    StackOverflow,
    UnmappedAccess,
)
from ..faults import BUSFAULT, HARDFAULT, SVCALL, USAGEFAULT, CFSR_BFARVALID, exception_name
from .exceptions import Fault, deliver
from ..elf_info import vector_table_address
from .hostlib import InstructionCounter
from .signals import deferred_signals
from .peripherals import Dwt, LegacyUart, NrfClock, Peripheral, SystemControlSpace, Unmodelled
from .symbols import load_symbols

UART_TYPE = "UART.NRF52840_UART"
DWT_TYPE = "Miscellaneous.DWT"
CLOCK_TYPE = "Miscellaneous.NRF_CLOCK"
MEMORY_TYPE = "Memory.MappedMemory"
NVIC_TYPE = "IRQControllers.NVIC"
SCS_BASE, SCS_SIZE = 0xE000E000, 0x1000
PAGE = 0x400                    # Unicorn's ARM page size
PERIPHERAL_SIZE = 0x1000        # nRF52 peripherals occupy 4 KiB each
NEVER = 0xFFFFFFFF              # an "until" address execution never reaches

# QEMU exception numbers Unicorn reports through UC_HOOK_INTR.
_INTERRUPTS = {
    1: "undefined instruction",
    2: "supervisor call (svc)",
    3: "prefetch abort",
    4: "data abort",
    7: "breakpoint (bkpt)",
    17: "FPU/coprocessor access while disabled",
    18: "invalid state (branch to an address without the Thumb bit?)",
    22: "unaligned access",
    23: "divide by zero",
}
# Those that are architectural faults: exception and CFSR / HFSR bit.
_UNDEFINSTR, _INVSTATE, _NOCP, _UNALIGNED, _DIVBYZERO = (1 << 16, 1 << 17, 1 << 19, 1 << 24,
                                                         1 << 25)
_PRECISERR, _IBUSERR, _DEBUGEVT = 1 << 9, 1 << 8, 1 << 31
_INTERRUPT_FAULTS = {
    1: (USAGEFAULT, _UNDEFINSTR, 0),
    7: (HARDFAULT, 0, _DEBUGEVT),
    17: (USAGEFAULT, _NOCP, 0),
    18: (USAGEFAULT, _INVSTATE, 0),
    22: (USAGEFAULT, _UNALIGNED, 0),
    23: (USAGEFAULT, _DIVBYZERO, 0),
}
THUMB_BRANCH_TO_SELF = b"\xfe\xe7"  # b.n . (0xE7FE, little-endian)
CYCCNT_LOG_LIMIT = 1 << 16      # CYCCNT reads kept for take_cyccnt_reads()

_REGS = [getattr(arm, f"UC_ARM_REG_R{i}") for i in range(13)] + [
    arm.UC_ARM_REG_SP, arm.UC_ARM_REG_LR, arm.UC_ARM_REG_PC,
]

_MEM_KINDS = {
    unicorn.UC_MEM_READ_UNMAPPED: "read",
    unicorn.UC_MEM_WRITE_UNMAPPED: "write",
    unicorn.UC_MEM_FETCH_UNMAPPED: "fetch",
    unicorn.UC_MEM_READ_PROT: "read",
    unicorn.UC_MEM_WRITE_PROT: "write",
    unicorn.UC_MEM_FETCH_PROT: "fetch",
}


@dataclass(frozen=True)
class MemoryMap:
    """One memory of the .repl, at every address it is registered at."""

    name: str
    size: int
    addresses: tuple[int, ...]


@dataclass(frozen=True)
class _Config:
    memories: tuple[MemoryMap, ...]
    mips: float
    uarts: tuple[tuple[str, int], ...]
    host_uart: str
    dwt: tuple[str, int, int] | None
    clocks: tuple[tuple[str, int], ...]
    unmodelled: tuple[tuple[str, int, int], ...]


def _configure(platform: PlatformDescription) -> _Config:
    """Check the platform description and extract what the engine maps."""
    memories = []
    for entry in platform.memories():
        size = entry.get("size")
        if not isinstance(size, int) or size <= 0 or size % PAGE:
            raise PlatformError(
                f"{entry.source_line}: memory '{entry.name}' needs `size:` a positive multiple "
                f"of 0x{PAGE:x}, got {size!r}"
            )
        addresses = tuple(r.address for r in entry.addresses if r.address is not None and r.bus == "sysbus")
        if not addresses:
            raise PlatformError(f"{entry.source_line}: memory '{entry.name}' has no address")
        memories.append(MemoryMap(entry.name, size, addresses))

    mips = RENODE_DEFAULT_MIPS
    cpu = platform.cpu()
    value = cpu.get("PerformanceInMips")
    if value is not None:
        if not isinstance(value, (int, float)) or value <= 0:
            raise PlatformError(f"{cpu.source_line}: PerformanceInMips must be > 0, got {value!r}")
        mips = value
    cpu_type = cpu.get("cpuType")
    if cpu.type_name != "CPU.CortexM" or cpu_type not in (None, "cortex-m4", "cortex-m4f"):
        raise PlatformError(
            f"{cpu.source_line}: the built-in engine emulates a Cortex-M4 only; the description "
            f"asks for {cpu.type_name} {cpu_type!r}"
        )

    entries = platform.find_by_type(UART_TYPE)
    if not entries:
        raise PlatformError(
            f"{platform.path}: no {UART_TYPE} entry; the bench talks to the firmware over uart0"
        )
    host_uart = "uart0" if any(e.name == "uart0" for e in entries) else entries[0].name
    uarts = []
    easy_dma = []  # UARTs the firmware never uses, in EasyDMA mode: inert, a touch is a named fault
    for entry in entries:
        if entry.address is None:
            raise PlatformError(f"{entry.source_line}: '{entry.name}' has no address")
        if entry.get("easyDMA") is not True:
            uarts.append((entry.name, entry.address))
        elif entry.name != host_uart:
            easy_dma.append((f"{entry.name} (EasyDMA UART, not modelled)", entry.address, PERIPHERAL_SIZE))
        else:
            raise PlatformError(
                f"{entry.source_line}: '{entry.name}' has easyDMA: true; the bench talks to the firmware "
                f"over it and the built-in engine models the legacy UART only (Renode's EasyDMA mode also "
                f"breaks continuous reception). Set `easyDMA: false`, e.g. with an update entry "
                f"`{entry.name}:` / `    easyDMA: false`"
            )

    dwt = None
    for entry in platform.find_by_type(DWT_TYPE):
        frequency = entry.get("frequency")
        if not isinstance(frequency, int) or frequency <= 0 or entry.address is None:
            raise PlatformError(
                f"{entry.source_line}: DWT '{entry.name}' needs an address and `frequency:` in Hz"
            )
        dwt = (entry.name, entry.address, frequency)

    clocks = tuple((entry.name, entry.address) for entry in platform.find_by_type(CLOCK_TYPE)
                   if entry.address is not None)

    modelled = {MEMORY_TYPE, UART_TYPE, DWT_TYPE, CLOCK_TYPE}
    unmodelled = []
    for entry in platform:
        if entry.type_name in modelled or entry.type_name.startswith("CPU."):
            continue
        for registration in entry.addresses:
            if registration.address is None or registration.bus != "sysbus":
                continue  # devices on twi0/gpio0/... are reached through their bus peripheral
            if entry.type_name == NVIC_TYPE and registration.address == SCS_BASE:
                continue  # inside the System Control Space the engine models
            size = registration.size or PERIPHERAL_SIZE
            unmodelled.append((entry.name, registration.address, size))
    return _Config(tuple(memories), mips, tuple(uarts), host_uart, dwt, clocks, _page_aligned(unmodelled + easy_dma))


def _page_aligned(regions: list[tuple[str, int, int]]) -> tuple[tuple[str, int, int], ...]:
    """Unicorn maps whole pages: widen each region to pages and merge those that then share one
    (Renode's gpio0 at 0x50000500 and gpio1 at 0x50000800), naming all of them."""
    merged: list[tuple[str, int, int]] = []
    for name, base, size in sorted(regions, key=lambda r: r[1]):
        start = base - base % PAGE
        end = -(-(base + size) // PAGE) * PAGE
        if merged and start < merged[-1][1] + merged[-1][2]:
            last_name, last_start, last_size = merged[-1]
            end = max(end, last_start + last_size)
            merged[-1] = (f"{last_name}/{name}", last_start, end - last_start)
        else:
            merged.append((name, start, end - start))
    return tuple(merged)


class _Machine:
    """One Unicorn instance with the firmware loaded: memories, peripherals, counter."""

    def __init__(self, config: _Config, repl_path: str, elf: Path, cache_dir: Path | None):
        self.repl_path = repl_path
        self.symbols = load_symbols(elf)
        self.uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_THUMB | unicorn.UC_MODE_MCLASS)
        if hasattr(self.uc, "ctl_set_cpu_model"):
            self.uc.ctl_set_cpu_model(arm.UC_CPU_ARM_CORTEX_M4)
        self.pending: EmulationError | None = None
        self.invalid: tuple[str, int, int] | None = None
        self._buffers: list[mmap.mmap] = []
        self._replay: tuple[int, str] | None = None   # DWT access being re-executed
        self._replay_pc: int | None = None
        self.fault: Fault | None = None                # recorded by a callback, not yet taken
        self._div_trap_changed = False
        self._div_trap = False                         # whether the divide hook is installed
        self.cyccnt_reads: deque[CyccntRead] = deque(maxlen=CYCCNT_LOG_LIMIT)
        self.counter = InstructionCounter(self.uc, cache_dir)

        for memory in config.memories:
            self._map_memory(memory)
        self.scs = SystemControlSpace(on_change=self._scs_changed)
        self._map_mmio(self.scs)
        self.uarts = {
            name: LegacyUart(name, base, self.counter.request_stop) for name, base in config.uarts
        }
        for uart in self.uarts.values():
            self._map_mmio(uart)
        self.host_uart = self.uarts[config.host_uart]
        self.dwt: Dwt | None = None
        if config.dwt is not None:
            name, base, frequency = config.dwt
            self.dwt = Dwt(
                name, base, frequency, config.mips, self._replayed_count, self._log_cyccnt
            )
            self._map_mmio(self.dwt, exact=self.dwt.needs_exact_count)
        self.clocks = {name: NrfClock(name, base) for name, base in config.clocks}
        for clock in self.clocks.values():
            self._map_mmio(clock)
        for name, base, size in config.unmodelled:
            self._map_mmio(Unmodelled(name, base, size, self._unmodelled_access))

        self.uc.hook_add(unicorn.UC_HOOK_MEM_INVALID, self._on_invalid)
        self.uc.hook_add(unicorn.UC_HOOK_INTR, self._on_interrupt)
        self.counter.install()
        self.counter.set_fpu_enabled(self.scs.fpu_enabled)
        self._load(elf)

    # --- setup ---------------------------------------------------------------------------

    def _map_memory(self, memory: MemoryMap) -> None:
        buffer = mmap.mmap(-1, memory.size)
        self._buffers.append(buffer)
        pointer = ctypes.addressof(ctypes.c_char.from_buffer(buffer))
        for address in memory.addresses:
            try:
                self.uc.mem_map_ptr(address, memory.size, unicorn.UC_PROT_ALL, pointer)
            except unicorn.UcError as exc:
                raise PlatformError(
                    f"{self.repl_path}: cannot map memory '{memory.name}' at 0x{address:08x} "
                    f"(size 0x{memory.size:x}): {exc}; check for overlaps and alignment"
                ) from exc

    def _map_mmio(
        self, peripheral: Peripheral, exact: Callable[[int, str], bool] | None = None
    ) -> None:
        """Map a peripheral; accesses for which exact(offset, kind) holds are replayed.

        Unicorn 2.1.4 leaves the PC at the block start inside MMIO callbacks, but a
        uc_emu_stop from the callback rolls the CPU back to the accessing instruction with
        an exact PC. Such an access is therefore handled in two steps: stop (nothing done),
        fix the count at the exact PC, resume; the instruction then starts a new block and
        runs again, and the access is served with count_at(block start).
        """

        def replaying(address: int, kind: str) -> bool:
            if exact is None or not exact(address - peripheral.base, kind):
                return True
            if self._replay == (address, kind) and self._replay_pc is not None:
                if self.counter.current_block[0] == self._replay_pc:
                    return True
            self._replay, self._replay_pc = (address, kind), None
            self.uc.emu_stop()
            return False

        def read(uc: unicorn.Uc, offset: int, size: int, _: object) -> int:
            if self.pending is not None or not replaying(peripheral.base + offset, "read"):
                return 0
            try:
                return peripheral.read(offset, size)
            except EmulationError as exc:
                self._fail(exc)
                return 0
            finally:
                self._replay = self._replay_pc = None

        def write(uc: unicorn.Uc, offset: int, size: int, value: int, _: object) -> None:
            if self.pending is not None or not replaying(peripheral.base + offset, "write"):
                return
            try:
                peripheral.write(offset, size, value)
            except EmulationError as exc:
                self._fail(exc)
            finally:
                self._replay = self._replay_pc = None

        try:
            self.uc.mmio_map(peripheral.base, peripheral.size, read, None, write, None)
        except unicorn.UcError as exc:
            raise PlatformError(
                f"{self.repl_path}: cannot map '{peripheral.name}' at 0x{peripheral.base:08x} "
                f"(0x{peripheral.size:x} bytes): {exc}; does it overlap another entry?"
            ) from exc

    def _load(self, elf: Path) -> None:
        with elf.open("rb") as stream:
            image = ELFFile(stream)
            if image["e_machine"] != "EM_ARM" or image.elfclass != 32:
                raise EmulationError(f"{elf} is not a 32-bit ARM ELF file")
            for segment in image.iter_segments():
                if segment["p_type"] != "PT_LOAD" or segment["p_filesz"] == 0:
                    continue
                address, data = segment["p_paddr"], segment.data()
                try:
                    self.uc.mem_write(address, data)
                except unicorn.UcError as exc:
                    raise UnmappedAccess(
                        address, "write", len(data), None, None, None, self.repl_path
                    ) from exc
        # Boot as the core does from the image's vector table: at 0x0 for the emulator image,
        # at 0x10000 for one linked after the Nano 33 BLE's bootloader (which jumps there).
        # VTOR stays at its reset value 0 until the firmware's Reset_Handler sets it.
        table = vector_table_address(elf)
        try:
            sp, pc = struct.unpack("<II", self.uc.mem_read(table, 8))
        except unicorn.UcError as exc:
            raise EmulationError(
                f"no vector table at 0x{table:08x}: the .repl {self.repl_path} maps no memory there"
            ) from exc
        self.uc.reg_write(arm.UC_ARM_REG_SP, sp)
        self.uc.reg_write(arm.UC_ARM_REG_PC, pc & ~1)
        self.counter.reset(0)

    def close(self) -> None:
        self.counter.close()

    # --- callbacks -----------------------------------------------------------------------

    def _fail(self, error: EmulationError) -> None:
        """Stop inside an MMIO callback: Unicorn rolls back to the accessing instruction."""
        if self.pending is None:
            self.pending = error
        self.uc.emu_stop()

    def _unmodelled_access(self, name: str, address: int, kind: str, size: int) -> None:
        self._fail(UnmappedAccess(address, kind, size, None, None, name, self.repl_path))

    def _replayed_count(self) -> int:
        if self._replay_pc is None:
            raise EmulationError("internal: DWT access served outside its replay")
        return self.counter.count_at(self._replay_pc)

    def _log_cyccnt(self, value: int) -> None:
        assert self._replay_pc is not None
        self.cyccnt_reads.append(CyccntRead(
            value, self.counter.count_at(self._replay_pc), self.counter.cycles_at(self._replay_pc)
        ))

    def _scs_changed(self, register: int, value: int) -> None:
        if register == SystemControlSpace.CPACR:
            self.counter.set_fpu_enabled(self.scs.fpu_enabled)
        elif register == SystemControlSpace.CCR and self.scs.div_trap != self._div_trap:
            # Hooks change between runs: roll back to this store, switch, run it again.
            self._div_trap_changed = True
            self.uc.emu_stop()

    def _on_invalid(
        self, uc: unicorn.Uc, kind: int, address: int, size: int, value: int, _: object
    ) -> bool:
        self.invalid = (_MEM_KINDS.get(kind, "access"), address, size)
        return False

    def _on_interrupt(self, uc: unicorn.Uc, intno: int, _: object) -> None:
        pc = int(uc.reg_read(arm.UC_ARM_REG_PC))
        reason = _INTERRUPTS.get(intno, f"CPU exception {intno}")
        if intno == 1 and not int(uc.reg_read(arm.UC_ARM_REG_XPSR)) & (1 << 24):
            intno, reason = 18, _INTERRUPTS[18]   # Unicorn reports EPSR.T == 0 as undefined
        elif intno == 1:
            reason = f"undefined instruction {self._opcode(pc)}"
        if intno == 2:
            fault: Fault | None = Fault(SVCALL, pc, reason)   # the PC is past the svc
        elif intno in _INTERRUPT_FAULTS:
            exception, cfsr, hfsr = _INTERRUPT_FAULTS[intno]
            fault = Fault(exception, pc, reason, cfsr=cfsr, hfsr=hfsr)
        else:
            fault = None
        if self.pending is None and self.fault is None:
            if fault is not None:
                self.fault = fault
            else:
                self.pending = CpuFault(pc, reason, self.symbols.function_at(pc))
        uc.emu_stop()

    # --- running ---------------------------------------------------------------------------

    @property
    def pc(self) -> int:
        return int(self.uc.reg_read(arm.UC_ARM_REG_PC))

    def run(self, timeout_s: float, until: int = NEVER) -> None:
        """Run from the current PC until something stops it.

        Faults with a handler in the vector table are delivered to it (and running goes on);
        those without one, and errors of the engine itself, are raised.
        """
        self.counter.take_stopped()
        self.counter.set_timeout(timeout_s)
        try:
            with deferred_signals(self.uc.emu_stop) as signals:
                self._run_loop(until, signals)
        finally:
            self.counter.set_timeout(None)

    def _run_loop(self, until: int, signals: list[int]) -> None:
        """run()'s loop; it ends early once a signal has stopped the emulator (deferred_signals)."""
        stop_at: int | None = None       # a NOCP replay runs up to the FP instruction
        while not signals:
            self.invalid = None
            try:
                self.uc.emu_start(self.pc | 1, until if stop_at is None else stop_at)
            except unicorn.UcError as exc:
                self._take(self._fault_from(exc))
                continue
            if self.pending is not None:
                self._raise_pending()
            if self.fault is not None:
                fault, self.fault = self.fault, None
                self._take(fault)
                continue
            if self._replay is not None and self._replay_pc is None:
                self._replay_pc = self.pc
                self.counter.rewind(self._replay_pc)
                continue
            if self._div_trap_changed:
                self._div_trap_changed = False
                self.counter.rewind(self.pc)
                self._div_trap = self.scs.div_trap
                self.counter.set_div_trap(self._div_trap)
                self.uc.ctl_flush_tb()
                continue
            divide = self.counter.take_div0()
            if divide is not None:
                self._take(Fault(USAGEFAULT, divide, "divide by zero (CCR.DIV_0_TRP set)",
                                 cfsr=_DIVBYZERO))
                continue
            nocp = self.counter.take_nocp()
            if nocp is not None and nocp != self.pc:
                self.uc.ctl_remove_cache(self.pc, nocp + 4)
                stop_at = nocp
                continue
            if nocp is not None or (stop_at is not None and self.pc == stop_at):
                stop_at = None
                self._take(Fault(USAGEFAULT, self.pc, "floating-point instruction with the "
                                 "FPU disabled in CPACR", cfsr=_NOCP))
                continue
            return

    def _take(self, fault: Fault) -> None:
        """Deliver fault to the firmware's handler, or raise it when there is none."""
        self.counter.rewind(fault.pc)   # an svc retires (its PC is past it); a fault does not
        entry = deliver(self.uc, self.scs, fault, self.symbols.is_function)
        if entry is not None:
            self.counter.exception_entry(entry.handler)
            return
        raise self._direct_error(fault)

    def _direct_error(self, fault: Fault) -> EmulationError:
        """The error for a fault the firmware cannot handle itself."""
        pc = fault.pc - 2 if fault.exception == SVCALL else fault.pc
        function = self.symbols.function_at(pc)
        ipsr = int(self.uc.reg_read(arm.UC_ARM_REG_IPSR)) & 0x1FF
        sp = int(self.uc.reg_read(arm.UC_ARM_REG_SP))
        limit = self.symbols.address_of("__stack_limit")
        if limit is not None and sp < limit and fault.cfsr & _PRECISERR and fault.bfar is not None:
            return StackOverflow(sp, limit, fault.bfar, pc, str(self.symbols.locate(pc)))
        if fault.cfsr & _PRECISERR and fault.bfar is not None:
            kind, address, size = self.invalid or ("access", fault.bfar, 0)
            return UnmappedAccess(address, kind, size, pc, function, None, self.repl_path)
        if fault.cfsr & _IBUSERR:
            return UnmappedAccess(fault.pc, "fetch", 0, pc, function, None, self.repl_path)
        reason = fault.reason
        if ipsr:
            reason = f"lock-up: {reason} inside the {exception_name(ipsr)} handler"
        return CpuFault(pc, reason, function)

    def _fault_from(self, exc: unicorn.UcError) -> Fault:
        """The fault a Unicorn error stands for; errors the engine raises itself are raised."""
        if self.pending is not None:
            self._raise_pending(exc)
        pc = self.pc
        if exc.errno in (unicorn.UC_ERR_READ_UNMAPPED, unicorn.UC_ERR_WRITE_UNMAPPED,
                         unicorn.UC_ERR_READ_PROT, unicorn.UC_ERR_WRITE_PROT):
            kind, address, size = self.invalid or ("access", pc, 0)
            return Fault(BUSFAULT, pc, f"bus error: {kind} of unmapped 0x{address:08x}",
                         cfsr=_PRECISERR | CFSR_BFARVALID, bfar=address)
        if exc.errno in (unicorn.UC_ERR_FETCH_UNMAPPED, unicorn.UC_ERR_FETCH_PROT):
            return Fault(BUSFAULT, pc, f"instruction fetch from unmapped 0x{pc:08x}",
                         cfsr=_IBUSERR)
        if exc.errno == unicorn.UC_ERR_INSN_INVALID and not self._thumb():
            return Fault(USAGEFAULT, pc, _INTERRUPTS[18], cfsr=_INVSTATE)
        if exc.errno == unicorn.UC_ERR_INSN_INVALID:
            return Fault(USAGEFAULT, pc, f"undefined instruction {self._opcode(pc)}",
                         cfsr=_UNDEFINSTR)
        if exc.errno in (unicorn.UC_ERR_READ_UNALIGNED, unicorn.UC_ERR_WRITE_UNALIGNED,
                         unicorn.UC_ERR_FETCH_UNALIGNED):
            return Fault(USAGEFAULT, pc, f"unaligned access ({exc})", cfsr=_UNALIGNED)
        self.counter.rewind(pc)
        raise CpuFault(pc, f"Unicorn stopped with {exc}", self.symbols.function_at(pc)) from exc

    def _raise_pending(self, cause: BaseException | None = None) -> None:
        """Raise the error an MMIO or interrupt callback recorded, with the exact PC."""
        error, self.pending = self.pending, None
        assert error is not None
        pc = self.pc
        if isinstance(error, CpuFault):
            pc = error.pc
        self.counter.rewind(pc)
        if isinstance(error, UnmappedAccess):
            error = UnmappedAccess(
                error.address, error.kind, error.size, pc, self.symbols.function_at(pc),
                error.peripheral, self.repl_path,
            )
        elif not isinstance(error, CpuFault):
            error = type(error)(f"{error} (at PC 0x{pc:08x} in {self.symbols.function_at(pc)}())")
        raise error from cause

    def _thumb(self) -> bool:
        """EPSR.T: cleared by a branch to an even address (Unicorn then stops as undefined)."""
        return bool(int(self.uc.reg_read(arm.UC_ARM_REG_XPSR)) & (1 << 24))

    def _opcode(self, pc: int) -> str:
        try:
            hw1, hw2 = struct.unpack("<HH", self.uc.mem_read(pc, 4))
        except unicorn.UcError:
            return "(unreadable)"
        if (hw1 >> 11) >= 0x1D:
            return f"0x{hw1:04x} 0x{hw2:04x}"
        return f"0x{hw1:04x}"

    def sleeping_before(self, pc: int) -> bool:
        """Whether the instruction before pc is WFI/WFE (Unicorn returns on them)."""
        try:
            hw, = struct.unpack("<H", self.uc.mem_read(pc - 2, 2))
            wide, = struct.unpack("<I", self.uc.mem_read(pc - 4, 4))
        except unicorn.UcError:
            return False
        return hw in (0xBF20, 0xBF30) or wide in (0x8002F3AF, 0x8003F3AF)


class BuiltinEngine(Engine):
    """Runs firmware on Unicorn with the .repl's memories, uart0, DWT and SCS modelled."""

    name = "builtin"

    def __init__(
        self,
        platform: PlatformDescription,
        *,
        instruction_budget: int | None = 2_000_000_000,
        cache_dir: Path | None = None,
    ) -> None:
        self.platform = platform
        self.instruction_budget = instruction_budget
        self._cache_dir = cache_dir
        self._config = _configure(platform)
        self._machine: _Machine | None = None
        self._opened = False

    # --- lifecycle ---------------------------------------------------------------------------

    def open(self) -> None:
        if not self._opened:
            from .hostlib import load_library

            load_library(self._cache_dir)  # build the counting hook now, not mid-run
            self._opened = True

    def close(self) -> None:
        if self._machine is not None:
            self._machine.close()
            self._machine = None
        self._opened = False

    def load_elf(self, path: Path | str) -> None:
        self.open()
        if self._machine is not None:
            self._machine.close()
            self._machine = None
        self._machine = _Machine(self._config, self.platform.path, Path(path), self._cache_dir)

    def _loaded(self) -> _Machine:
        if self._machine is None:
            raise EmulationError("no firmware loaded: call load_elf(path) first")
        return self._machine

    # --- UART ----------------------------------------------------------------------------------

    def write_uart(self, data: bytes) -> None:
        self._loaded().host_uart.feed(bytes(data))

    def read_uart(self, count: int, timeout_s: float = 30.0) -> bytes:
        machine = self._loaded()
        uart = machine.host_uart
        deadline = time.monotonic() + timeout_s
        if self.instruction_budget:
            machine.counter.set_limit(machine.counter.total + self.instruction_budget)
        uart.awaited_tx = count
        unexplained: tuple[int, int] | None = None
        try:
            while len(uart.tx) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise EmulatorTimeout(f"{count} byte(s) from {uart.name}", timeout_s)
                uart.idle = False
                machine.run(remaining)
                if len(uart.tx) >= count:
                    break
                pc = machine.pc
                if machine.counter.deadline_hit:
                    raise EmulatorTimeout(f"{count} byte(s) from {uart.name}", timeout_s)
                if machine.counter.limit_hit:
                    raise InstructionBudgetExceeded(
                        self.instruction_budget or 0, pc, machine.symbols.function_at(pc)
                    )
                if uart.idle:
                    raise FirmwareIdle(count, len(uart.tx))
                if machine.sleeping_before(pc):
                    raise CpuFault(
                        pc - 2,
                        "WFI/WFE: the firmware sleeps until an interrupt, and the built-in "
                        "engine models no interrupts; poll the UART instead",
                        machine.symbols.function_at(pc),
                    )
                state = (pc, machine.counter.total)
                if state == unexplained:
                    raise EmulationError(
                        f"Unicorn keeps stopping at PC 0x{pc:08x} without a reason"
                    )
                unexplained = state
        finally:
            uart.awaited_tx = 0
            machine.counter.set_limit(0)
        data = bytes(uart.tx[:count])
        del uart.tx[:count]
        return data

    # --- counts ----------------------------------------------------------------------------------

    @property
    def executed_instructions(self) -> int:
        return self._loaded().counter.total

    @property
    def estimated_cycles(self) -> int:
        """Estimated Cortex-M4 cycles since load_elf (docs/cycle-model.md; not a measurement)."""
        return self._loaded().counter.estimated_cycles

    def notes(self) -> list[str]:
        # Renode's `init:` monitor commands (Tag, ApplySVD, ...) configure Renode, not the chip.
        return self.platform.ignored_init()

    def take_cyccnt_reads(self) -> list[CyccntRead]:
        """The firmware's CYCCNT reads since the last call, with estimated cycles at each."""
        reads = self._loaded().cyccnt_reads
        taken = list(reads)
        reads.clear()
        return taken

    def describe_address(self, address: int) -> str:
        """function() at file:line for a code address of the loaded ELF ("" outside code)."""
        location = self._loaded().symbols.locate(address & ~1)
        return str(location) if location.function else ""

    def run_slice(self, timeout_s: float) -> bytes:
        """Run until the firmware waits for UART input, or for timeout_s of wall time; return
        (and take) every byte it sent. For bridges that forward bytes as they come."""
        machine = self._loaded()
        uart = machine.host_uart
        uart.idle = False
        uart.awaited_tx = 0
        deadline = time.monotonic() + timeout_s
        while not uart.idle:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            machine.run(remaining)
            if machine.counter.deadline_hit:
                break
            if machine.sleeping_before(machine.pc):
                raise CpuFault(
                    machine.pc - 2, "WFI/WFE: the built-in engine models no interrupts",
                    machine.symbols.function_at(machine.pc),
                )
        data = bytes(uart.tx)
        uart.tx.clear()
        return data

    @property
    def spinning_at(self) -> int | None:
        """The PC when the firmware sits on a Thumb branch to itself (`b .`: the end of the fault
        report, or a return from main): it can never act again. None while it can."""
        machine = self._loaded()
        pc = machine.pc & ~1
        try:
            return pc if bytes(machine.uc.mem_read(pc, 2)) == THUMB_BRANCH_TO_SELF else None
        except unicorn.UcError:
            return None

    @property
    def waiting_for_input(self) -> bool:
        """Whether the firmware last stopped polling an empty UART receiver."""
        return self._loaded().host_uart.idle

    def count_at(self, pc: int) -> int:
        """Instructions retired before the one at pc, when pc is in the block running last."""
        return self._loaded().counter.count_at(pc)

    @property
    def dropped_uart_bytes(self) -> int:
        """Host bytes dropped because the firmware had not enabled the UART and started RX."""
        return self._loaded().host_uart.dropped

    def uart(self, name: str | None = None) -> LegacyUart:
        """A modelled UART's state (default: the one the host talks to), e.g. its PSEL pins."""
        machine = self._loaded()
        if name is None:
            return machine.host_uart
        if name not in machine.uarts:
            raise EmulationError(f"no UART '{name}' in {self.platform.path}; it has {', '.join(machine.uarts)}")
        return machine.uarts[name]

    def clock(self, name: str = "clock") -> NrfClock:
        """The CLOCK peripheral's state, e.g. whether the firmware started the crystal."""
        machine = self._loaded()
        if name not in machine.clocks:
            raise EmulationError(f"no NRF_CLOCK '{name}' in {self.platform.path}")
        return machine.clocks[name]

    @property
    def vector_table_offset(self) -> int:
        """SCB VTOR as the firmware left it."""
        return self._loaded().scs.vtor

    def system_register(self, address: int) -> int:
        """A word of the System Control Space (0xE000E000-0xE000EFFF) as last written."""
        if not SCS_BASE <= address < SCS_BASE + SCS_SIZE or address % 4:
            raise EmulationError(f"0x{address:08x} is not a word of the System Control Space")
        return self._loaded().scs.register(address - SCS_BASE)

    def read_memory(self, address: int, size: int) -> bytes:
        return bytes(self._loaded().uc.mem_read(address, size))

    def register(self, name: str) -> int:
        """A CPU register by Unicorn name suffix, e.g. "R0", "SP", "PC"."""
        return int(self._loaded().uc.reg_read(getattr(arm, f"UC_ARM_REG_{name.upper()}")))

    def run_until(self, address: int, timeout_s: float = 30.0) -> None:
        """Run until the PC reaches address (for measurements on firmware without UART)."""
        machine = self._loaded()
        deadline = time.monotonic() + timeout_s
        if self.instruction_budget:
            machine.counter.set_limit(machine.counter.total + self.instruction_budget)
        try:
            while machine.pc != address:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise EmulatorTimeout(f"PC to reach 0x{address:08x}", timeout_s)
                machine.run(remaining, until=address)
                if machine.counter.deadline_hit:
                    raise EmulatorTimeout(f"PC to reach 0x{address:08x}", timeout_s)
                if machine.counter.limit_hit:
                    raise InstructionBudgetExceeded(
                        self.instruction_budget or 0, machine.pc,
                        machine.symbols.function_at(machine.pc),
                    )
        finally:
            machine.counter.set_limit(0)
