"""Fault exception entry as the Cortex-M4 does it, for faults Unicorn reports to the engine.

The engine sets the fault status registers in its System Control Space model, pushes the
exception frame, loads EXC_RETURN into LR and continues at the handler from the vector table,
so the firmware's own fault handler runs (and reports) as it would on silicon or on Renode.
Facts from the ARMv7-M architecture; the code is our own.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Callable

import unicorn
from unicorn import arm_const as arm

from ..faults import BUSFAULT, CFSR_STKERR, HARDFAULT, MEMMANAGE, USAGEFAULT
from .peripherals import SystemControlSpace

# SHCSR enable bit of each configurable fault; disabled ones escalate to HardFault.
_ENABLE_BIT = {MEMMANAGE: 16, BUSFAULT: 17, USAGEFAULT: 18}
HFSR_FORCED = 1 << 30
EXC_RETURN_THREAD_MSP = 0xFFFFFFF9
EXC_RETURN_THREAD_PSP = 0xFFFFFFFD
EXC_RETURN_HANDLER_MSP = 0xFFFFFFF1
EXC_RETURN_FP_FRAME = 1 << 4      # cleared in EXC_RETURN when the frame holds FP state
CONTROL_SPSEL, CONTROL_FPCA = 1 << 1, 1 << 2
XPSR_REALIGNED = 1 << 9
XPSR_THUMB = 1 << 24

_FRAME_REGS = [arm.UC_ARM_REG_R0, arm.UC_ARM_REG_R1, arm.UC_ARM_REG_R2, arm.UC_ARM_REG_R3,
               arm.UC_ARM_REG_R12, arm.UC_ARM_REG_LR]
_S_REGS = [getattr(arm, f"UC_ARM_REG_S{i}") for i in range(16)]


@dataclass(frozen=True)
class Fault:
    """A fault to deliver: its exception, status bits and the PC to stack."""

    exception: int        # USAGEFAULT, BUSFAULT, MEMMANAGE, HARDFAULT or another number
    pc: int               # the return address stacked (the faulting instruction for faults)
    reason: str           # for the error raised when no handler can take it
    cfsr: int = 0
    hfsr: int = 0
    bfar: int | None = None
    mmfar: int | None = None


@dataclass(frozen=True)
class Entry:
    """What entering the handler did, for the engine's bookkeeping and messages."""

    exception: int
    handler: int
    frame_stacked: bool


def handler_address(
    uc: unicorn.Uc, exception: int, is_function: Callable[[int], bool], vector_table: int = 0
) -> int | None:
    """The handler the vector table at `vector_table` (VTOR) names for exception, or None if it
    names no function (a bare test program's table may hold code there, not vectors)."""
    try:
        vector, = struct.unpack("<I", uc.mem_read(vector_table + 4 * exception, 4))
    except unicorn.UcError:
        return None
    if not vector & 1 or not is_function(vector & ~1):
        return None
    return vector & ~1


def deliver(
    uc: unicorn.Uc, scs: SystemControlSpace, fault: Fault, is_function: Callable[[int], bool]
) -> Entry | None:
    """Enter the handler for fault; None when it cannot be taken (no handler, or lock-up)."""
    if int(uc.reg_read(arm.UC_ARM_REG_IPSR)) & 0x1FF:
        return None  # a fault inside a handler: the core would lock up
    exception, hfsr = fault.exception, fault.hfsr
    enable = _ENABLE_BIT.get(exception)
    if enable is not None and not scs.shcsr >> enable & 1:
        exception, hfsr = HARDFAULT, hfsr | HFSR_FORCED
    handler = handler_address(uc, exception, is_function, scs.vtor)
    if handler is None:
        return None
    cfsr = fault.cfsr
    stacked = _push_frame(uc, fault.pc)
    if not stacked:
        cfsr |= CFSR_STKERR
        if not scs.shcsr >> _ENABLE_BIT[BUSFAULT] & 1:
            exception, hfsr = HARDFAULT, hfsr | HFSR_FORCED
            handler = handler_address(uc, exception, is_function, scs.vtor) or handler
    scs.record_fault(cfsr, hfsr, fault.bfar, fault.mmfar)
    xpsr = int(uc.reg_read(arm.UC_ARM_REG_XPSR))
    uc.reg_write(arm.UC_ARM_REG_XPSR, (xpsr & 0xF80F0000) | XPSR_THUMB | exception)
    uc.reg_write(arm.UC_ARM_REG_PC, handler)
    return Entry(exception, handler, stacked)


def _push_frame(uc: unicorn.Uc, return_address: int) -> bool:
    """Push the (basic or FP) frame on the active stack and set LR; False if it fell outside
    memory (SP still moves, as on the core, and the handler runs with it)."""
    control = int(uc.reg_read(arm.UC_ARM_REG_CONTROL))
    fp = bool(control & CONTROL_FPCA)
    words = [int(uc.reg_read(reg)) for reg in _FRAME_REGS]
    words.append(return_address & ~1)
    xpsr = int(uc.reg_read(arm.UC_ARM_REG_XPSR))
    sp = int(uc.reg_read(arm.UC_ARM_REG_SP))
    if fp:
        words_fp = [int(uc.reg_read(reg)) & 0xFFFFFFFF for reg in _S_REGS]
        words_fp += [int(uc.reg_read(arm.UC_ARM_REG_FPSCR)), 0]
    else:
        words_fp = []
    size = 4 * (8 + len(words_fp))
    realign = bool(sp & 4)
    frame = (sp - size) & ~7
    words.append(xpsr | (XPSR_REALIGNED if realign else 0))
    data = struct.pack(f"<{8 + len(words_fp)}I", *[w & 0xFFFFFFFF for w in words + words_fp])
    try:
        uc.mem_write(frame, data)
        stacked = True
    except unicorn.UcError:
        stacked = False
    uc.reg_write(arm.UC_ARM_REG_SP, frame)
    exc_return = EXC_RETURN_THREAD_PSP if control & CONTROL_SPSEL else EXC_RETURN_THREAD_MSP
    if fp:
        exc_return &= ~EXC_RETURN_FP_FRAME
    uc.reg_write(arm.UC_ARM_REG_LR, exc_return)
    if control & (CONTROL_SPSEL | CONTROL_FPCA):
        uc.reg_write(arm.UC_ARM_REG_CONTROL, control & ~(CONTROL_SPSEL | CONTROL_FPCA))
    return stacked
