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


def test_the_shell_is_compiled_once_per_board_and_target_and_linked_into_every_image(tmp_path: Path) -> None:
    from tflm_bench.generator import firmware_dir
    from tflm_bench.generator.build.toolchain import shell_objects
    from tflm_bench.generator.options import Target

    root = tmp_path / "build"
    first = shell_objects(root, BOARD, firmware_dir(), Target.EMULATOR)
    assert {p.name.split(".")[0] for p in first} >= {"startup", "fault", "uart0", "dwt", "crc32", "protocol", "commands", "main"}
    assert all(p.is_file() and root / "shell" in p.parents for p in first)
    stamp = {p: p.stat().st_mtime_ns for p in first}
    assert shell_objects(root, BOARD, firmware_dir(), Target.EMULATOR) == first  # reused, not rebuilt
    assert {p: p.stat().st_mtime_ns for p in first} == stamp
    faster = dataclasses.replace(BOARD, dwt_hz=48_000_000)  # another clock: its own objects (tb_board_facts.h)
    assert shell_objects(root, faster, firmware_dir(), Target.EMULATOR)[0].parents[3] != first[0].parents[3]
    assert len(list((root / "shell").iterdir())) == 2
