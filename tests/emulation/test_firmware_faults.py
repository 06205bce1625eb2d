"""Deliberately broken firmware on the built-in engine: the fault is delivered to the firmware's
own handler (firmware/platform/fault.c), whose FAULT frame the host decodes into a message that
names the exception, PC, LR, function:line and the status bits."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from tflm_bench.device import BenchDevice
from tflm_bench.board import description as repl
from tflm_bench.emulation import vector_table_address
from tflm_bench.emulation.builtin.engine import BuiltinEngine
from tflm_bench.emulation.builtin.symbols import SymbolTable
from tflm_bench.emulation.errors import InstructionBudgetExceeded, UnmappedAccess
from tflm_bench.emulation.faults import StackBounds
from tflm_bench.errors import DeviceFault

Build = Callable[..., Path]


def fault_of(elf: Path, platform: repl.PlatformDescription | None = None) -> DeviceFault:
    """Boot elf and return the DeviceFault its FAULT frame raises."""
    symbols = SymbolTable(elf)
    limit, top = symbols.address_of("__stack_limit"), symbols.address_of("__stack_top")
    assert limit is not None and top is not None
    with BuiltinEngine(platform or repl.load(), instruction_budget=2_000_000) as engine:
        engine.load_elf(elf)
        device = BenchDevice(engine, 10.0, symbolize=engine.describe_address,
                             stack=StackBounds(limit, top))
        with pytest.raises(DeviceFault) as caught:
            device.read_frame()
    return caught.value


def tb_case(elf: Path) -> int:
    address = SymbolTable(elf).address_of("tb_case")
    assert address is not None
    return address


def test_udf_is_a_usage_fault_escalated_to_hardfault(build_c_firmware: Build) -> None:
    elf = build_c_firmware("faults", CASE=1)
    fault = fault_of(elf)
    text = str(fault)
    assert fault.state.exception == 3 and fault.state.pc == tb_case(elf)
    assert "HardFault (escalated) at PC" in text and "in tb_case() at faults.c:" in text
    assert "LR 0x" in text and "in main() at faults.c:" in text
    assert "UNDEFINSTR" in text and "FORCED" in text


def test_faults_of_the_board_image_use_its_vector_table(build_c_firmware: Build) -> None:
    """Linked at 0x10000 (TB_TARGET_NANO33BLE): the handler comes from the table VTOR points at,
    not from erased flash at 0x0, and the report is the same as the emulator image's."""
    elf = build_c_firmware("faults", CASE=1, TB_TARGET_NANO33BLE=1)
    assert vector_table_address(elf) == 0x10000
    fault = fault_of(elf)
    assert fault.state.exception == 3 and fault.state.pc == tb_case(elf)
    assert "HardFault (escalated) at PC" in str(fault) and "UNDEFINSTR" in str(fault)


def test_udf_with_usagefault_enabled_is_a_usage_fault(build_c_firmware: Build) -> None:
    fault = fault_of(build_c_firmware("faults", CASE=11))
    assert fault.state.exception == 6 and fault.state.hfsr == 0
    assert str(fault).startswith("firmware fault: UsageFault at PC")


def test_null_function_call_is_invstate(build_c_firmware: Build) -> None:
    fault = fault_of(build_c_firmware("faults", CASE=2))
    assert fault.state.pc == 0 and "INVSTATE" in str(fault) and "null" in str(fault)
    assert "at PC 0x00000000, LR 0x" in str(fault)   # LR: where the null pointer was called


def test_bkpt_without_debugger_is_a_hardfault_debugevt(build_c_firmware: Build) -> None:
    fault = fault_of(build_c_firmware("faults", CASE=4))
    assert fault.state.exception == 3 and fault.state.hfsr == 1 << 31 and "DEBUGEVT" in str(fault)


def test_write_to_unmapped_address_is_a_precise_bus_fault(build_c_firmware: Build) -> None:
    fault = fault_of(build_c_firmware("faults", CASE=5))
    assert fault.state.bfar == 0x60000000
    assert "PRECISERR" in str(fault) and "BFARVALID" in str(fault) and "BFAR 0x60000000" in str(fault)


def test_undeclared_twi0_is_a_bus_fault_and_declared_twi0_names_the_peripheral(
    tmp_path: Path, build_c_firmware: Build
) -> None:
    elf = build_c_firmware("faults", CASE=6)
    assert fault_of(elf).state.bfar == 0x40003000
    board = tmp_path / "twi.repl"
    board.write_text(f'using "{repl.DEFAULT_PLATFORM}"\n'
                     f"twi0: I2C.NRF52840_I2C @ sysbus 0x40003000\n")
    with BuiltinEngine(repl.load(board)) as engine:
        engine.load_elf(elf)
        with pytest.raises(UnmappedAccess) as caught:
            engine.read_uart(6)
    assert caught.value.peripheral == "twi0" and caught.value.function == "tb_case"
    assert "0x40003000" in str(caught.value) and "'twi0'" in str(caught.value)


def test_divide_by_zero_with_trap_enabled(build_c_firmware: Build) -> None:
    elf = build_c_firmware("faults", CASE=7)
    fault = fault_of(elf)
    assert "DIVBYZERO" in str(fault)
    assert tb_case(elf) < fault.state.pc < tb_case(elf) + 0x40
    assert SymbolTable(elf).function_at(fault.state.pc) == "tb_case"


def test_deep_recursion_is_named_a_stack_overflow(build_c_firmware: Build) -> None:
    fault = fault_of(build_c_firmware("faults", CASE=8))
    text = str(fault)
    assert text.startswith("firmware fault: stack overflow: SP 0x1")
    assert "below __stack_limit 0x20000000" in text and "STKERR" in text


def test_float_with_fpu_disabled_is_nocp(build_c_firmware: Build) -> None:
    elf = build_c_firmware("faults", CASE=10)
    fault = fault_of(elf)
    assert "NOCP" in str(fault) and "CPACR" in str(fault)
    assert SymbolTable(elf).function_at(fault.state.pc) == "tb_case"


def test_endless_loop_ends_with_the_instruction_budget(build_c_firmware: Build) -> None:
    with BuiltinEngine(repl.load(), instruction_budget=100_000) as engine:
        engine.load_elf(build_c_firmware("faults", CASE=9))
        with pytest.raises(InstructionBudgetExceeded) as caught:
            engine.read_uart(1)
    assert caught.value.function == "tb_case" and "100,000 instructions" in str(caught.value)
