"""Firmware-measured DWT CYCCNT deltas are exact instruction counts (Renode's semantics)."""
from __future__ import annotations

import struct
from pathlib import Path
from typing import Callable

import pytest

from tflm_bench.board import description as repl
from tflm_bench.emulation.builtin.engine import BuiltinEngine

HAND_COUNTED = 1 + 1 + 100 * 10   # see tests/emulation/firmware/cyccnt.c
BLOCK_DELTAS = [5, 4, 3, 3, 7, 3]   # see tests/emulation/firmware/cyccnt_blocks.c


def measured_delta(platform: repl.PlatformDescription, elf: Path) -> int:
    with BuiltinEngine(platform) as engine:
        engine.load_elf(elf)
        delta, = struct.unpack("<I", engine.read_uart(4))
        return int(delta)


def variant(tmp_path: Path, name: str, body: str) -> repl.PlatformDescription:
    board = tmp_path / f"{name}.repl"
    board.write_text(f'using "{repl.DEFAULT_PLATFORM}"\n{body}')
    return repl.load(board)


def test_cyccnt_delta_is_the_hand_counted_instruction_count(
    build_c_firmware: Callable[..., Path],
) -> None:
    assert measured_delta(repl.load(), build_c_firmware("cyccnt")) == HAND_COUNTED


@pytest.mark.parametrize(
    "name, body",
    [
        ("dwt128", "dwt:\n    frequency: 128000000\n"),       # twice the clock: 2 per instruction
        ("mips32", "cpu:\n    PerformanceInMips: 32\n"),      # half the speed: 2 per instruction
    ],
)
def test_cyccnt_follows_renode_frequency_over_mips(
    tmp_path: Path, build_c_firmware: Callable[..., Path], name: str, body: str
) -> None:
    platform = variant(tmp_path, name, body)
    assert measured_delta(platform, build_c_firmware("cyccnt")) == 2 * HAND_COUNTED


def test_cyccnt_reads_inside_a_translation_block_count_every_instruction_before_them(
    build_c_firmware: Callable[..., Path],
) -> None:
    with BuiltinEngine(repl.load()) as engine:
        engine.load_elf(build_c_firmware("cyccnt_blocks"))
        reads = struct.unpack("<7I", engine.read_uart(28))
    assert [b - a for a, b in zip(reads, reads[1:])] == BLOCK_DELTAS
