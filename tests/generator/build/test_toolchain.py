"""The build's toolchain step: what it writes from the board for the linker and the C."""
from __future__ import annotations

import dataclasses
from pathlib import Path

from tflm_bench.board import Board, load_board
from tflm_bench.generator import write_memory_script

BOARD = load_board()


def test_the_memory_script_and_the_c_facts_come_from_the_board(tmp_path: Path) -> None:
    assert "#define TB_RAM_END 0x20040000u\n" in _facts_header(BOARD, tmp_path / "shipped")  # as the C had it
    small = dataclasses.replace(BOARD, ram=dataclasses.replace(BOARD.ram, size=16 * 1024), dwt_hz=48_000_000)
    header = _facts_header(small, tmp_path / "small")
    assert "#define TB_RAM_START 0x20000000u\n#define TB_RAM_END 0x20004000u\n" in header
    assert "#define TB_CORE_CLOCK_HZ 48000000u\n" in header
    assert "RAM   (rwx) : ORIGIN = 0x20000000, LENGTH = 0x4000" in (tmp_path / "small" / "tb_memory.ld").read_text()


def _facts_header(board: Board, folder: Path) -> str:
    write_memory_script(board, folder)
    return (folder / "tb_board_facts.h").read_text()
