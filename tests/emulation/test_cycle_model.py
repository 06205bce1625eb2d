"""The estimated-cycle model (docs/cycle-model.md) on a hand-computed sequence, and its
attribution to CYCCNT reads."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from tflm_bench.board import description as repl
from tflm_bench.emulation.builtin.engine import BuiltinEngine
from tflm_bench.emulation.builtin.symbols import SymbolTable

Build = Callable[..., Path]


def test_hand_computed_cycles(build_program: Build) -> None:
    elf = build_program("cycles")
    done = SymbolTable(elf).address_of("cycles_done")
    assert done is not None
    with BuiltinEngine(repl.load()) as engine:
        engine.load_elf(elf)
        engine.run_until(done)
        assert engine.executed_instructions == 35
        assert engine.estimated_cycles == 94


def test_cyccnt_reads_carry_the_estimate(build_c_firmware: Build) -> None:
    with BuiltinEngine(repl.load()) as engine:
        engine.load_elf(build_c_firmware("cyccnt"))
        engine.read_uart(4)
        first, second = engine.take_cyccnt_reads()
        assert second.value - first.value == 1002
        assert second.instructions - first.instructions == 1002
        # 1002 instructions, none cheaper than a cycle, and 99 taken branches on top.
        assert second.estimated_cycles - first.estimated_cycles >= 1002 + 99 * 2
        assert engine.take_cyccnt_reads() == []
