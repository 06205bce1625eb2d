"""Cortex-M4 fault status registers decoded into names and advice a firmware developer can use.

Shared by the built-in engine (faults it raises itself) and the bench (the firmware's FAULT
frame), so both say the same thing. Facts from the ARMv7-M architecture: CFSR = UFSR:BFSR:MMFSR
at 0xE000ED28, HFSR at 0xE000ED2C, MMFAR at 0xE000ED34, BFAR at 0xE000ED38.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

EXCEPTION_NAMES = {
    1: "Reset", 2: "NMI", 3: "HardFault", 4: "MemManage", 5: "BusFault", 6: "UsageFault",
    11: "SVCall", 12: "DebugMonitor", 14: "PendSV", 15: "SysTick",
}

HARDFAULT, MEMMANAGE, BUSFAULT, USAGEFAULT, SVCALL = 3, 4, 5, 6, 11

# bit -> (name, meaning)
CFSR_BITS: dict[int, tuple[str, str]] = {
    0: ("IACCVIOL", "instruction fetch from a region the MPU forbids"),
    1: ("DACCVIOL", "data access to a region the MPU forbids"),
    3: ("MUNSTKERR", "MPU fault while unstacking on exception return"),
    4: ("MSTKERR", "MPU fault while stacking on exception entry"),
    5: ("MLSPERR", "MPU fault during lazy FP state preservation"),
    7: ("MMARVALID", "MMFAR holds the faulting address"),
    8: ("IBUSERR", "bus error on an instruction fetch: a jump to an address with no memory"),
    9: ("PRECISERR", "precise data bus error: the stacked PC is the faulting load/store"),
    10: ("IMPRECISERR", "imprecise data bus error: the stacked PC is after the faulting store"),
    11: ("UNSTKERR", "bus error while unstacking on exception return"),
    12: ("STKERR", "bus error while stacking the exception frame: the stack pointer is outside RAM"),
    13: ("LSPERR", "bus error during lazy FP state preservation"),
    15: ("BFARVALID", "BFAR holds the faulting address"),
    16: ("UNDEFINSTR", "undefined instruction (a udf, data executed as code, or a bad branch)"),
    17: ("INVSTATE", "branch to an address without the Thumb bit: a null or corrupt function "
                     "pointer, or a return through a clobbered LR"),
    18: ("INVPC", "invalid EXC_RETURN value on exception return"),
    19: ("NOCP", "floating-point instruction while CPACR does not enable CP10/CP11: enable the "
                 "FPU (CPACR |= 0xF << 20, then DSB/ISB) before any float code"),
    24: ("UNALIGNED", "unaligned access (LDRD/STRD/LDM/STM need word alignment; every access "
                      "when CCR.UNALIGN_TRP is set)"),
    25: ("DIVBYZERO", "integer divide by zero with CCR.DIV_0_TRP set"),
}

HFSR_BITS: dict[int, tuple[str, str]] = {
    1: ("VECTTBL", "bus error reading the vector table"),
    30: ("FORCED", "a configurable fault escalated to HardFault (its handler is not enabled in "
                   "SHCSR)"),
    31: ("DEBUGEVT", "debug event with no debugger attached (a bkpt instruction)"),
}

CFSR_BFARVALID, CFSR_MMARVALID, CFSR_STKERR = 1 << 15, 1 << 7, 1 << 12


def exception_name(number: int) -> str:
    if number >= 16:
        return f"IRQ{number - 16}"
    return EXCEPTION_NAMES.get(number, f"exception {number}")


def bit_names(value: int, table: dict[int, tuple[str, str]]) -> list[str]:
    return [table[bit][0] for bit in sorted(table) if value >> bit & 1]


def decode_bits(value: int, table: dict[int, tuple[str, str]]) -> str:
    """'NAME (meaning), NAME (meaning)' for each set bit, or 'none'."""
    parts = [f"{name} ({meaning})" for bit, (name, meaning) in sorted(table.items())
             if value >> bit & 1]
    return ", ".join(parts) if parts else "none"


@dataclass(frozen=True)
class StackBounds:
    """The main stack's limits from the linker script (__stack_limit, __stack_top)."""

    limit: int
    top: int


@dataclass(frozen=True)
class FaultState:
    """What a fault leaves in the fault status registers and the exception frame."""

    exception: int
    pc: int
    lr: int
    cfsr: int
    hfsr: int
    mmfar: int
    bfar: int
    sp: int
    frame_valid: bool = True

    def is_stack_overflow(self, stack: StackBounds | None) -> bool:
        return stack is not None and self.sp < stack.limit


def describe_fault(
    state: FaultState,
    locate: Callable[[int], str] | None = None,
    stack: StackBounds | None = None,
) -> str:
    """One message: exception, PC and LR with function:line, the decoded bits, what to do."""

    def where(address: int) -> str:
        text = f"0x{address:08x}"
        if locate is not None:
            place = locate(address & ~1)
            if place:
                text += f" in {place}"
        return text

    parts: list[str] = []
    if state.is_stack_overflow(stack):
        assert stack is not None
        parts.append(
            f"stack overflow: SP 0x{state.sp:08x} is below __stack_limit 0x{stack.limit:08x} "
            f"(the stack is {stack.top - stack.limit:,} bytes); look for deep recursion or large "
            f"local arrays, or raise STACK_SIZE in firmware/platform/nrf52840.ld"
        )
    head = exception_name(state.exception)
    if state.hfsr >> 30 & 1 and state.exception == HARDFAULT:
        head += " (escalated)"
    if state.frame_valid:
        parts.append(f"{head} at PC {where(state.pc)}, LR {where(state.lr)}")
    else:
        parts.append(f"{head}; no exception frame could be stacked (SP 0x{state.sp:08x}), so "
                     f"PC and LR are unknown")
    parts.append(f"CFSR 0x{state.cfsr:08x}: {decode_bits(state.cfsr, CFSR_BITS)}")
    if state.hfsr:
        parts.append(f"HFSR 0x{state.hfsr:08x}: {decode_bits(state.hfsr, HFSR_BITS)}")
    if state.cfsr & CFSR_BFARVALID:
        parts.append(f"BFAR 0x{state.bfar:08x} (the address accessed)")
    if state.cfsr & CFSR_MMARVALID:
        parts.append(f"MMFAR 0x{state.mmfar:08x}")
    if not state.is_stack_overflow(stack):
        parts.append(f"SP 0x{state.sp:08x}")
    return "; ".join(parts)
