"""Firmware builds: cached by hashes, sized against the nRF52840, failing clearly when too large."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tflm_bench.board import Board, load_board
from tflm_bench.generator import BuildConfig, ModelTooLargeError, UnsupportedOpError, build_firmware, write_memory_script

BOARD = load_board()
FLASH_LIMIT, RAM_LIMIT = BOARD.flash.size, BOARD.ram.size


def _build(model: Path, build_dir: Path):  # type: ignore[no-untyped-def]
    return build_firmware(BuildConfig(model, build_dir))


def test_build_is_reused_when_nothing_changed(sine_model: Path, tmp_path: Path) -> None:
    first = _build(sine_model, tmp_path)
    second = _build(sine_model, tmp_path)
    assert not first.reused and second.reused
    assert first.elf == second.elf and first.elf.exists()
    assert first.build_dir.parent == tmp_path / "firmware"


def test_memory_is_reported_against_the_limits(sine_model: Path, tmp_path: Path) -> None:
    memory = _build(sine_model, tmp_path).memory
    assert 0 < memory.flash_bytes < FLASH_LIMIT and memory.flash_limit == FLASH_LIMIT
    # RAM holds the 8 KiB stack, the UART buffers and the arena.
    assert 8 * 1024 < memory.ram_bytes < RAM_LIMIT and memory.arena_bytes > 0


def test_too_large_model_fails_with_the_numbers(oversized_model: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelTooLargeError, match=r"\d+ bytes.*1048576 bytes of flash"):
        _build(oversized_model, tmp_path)


def test_unsupported_op_fails_generation(unsupported_op_model: Path, tmp_path: Path) -> None:
    with pytest.raises(UnsupportedOpError, match="SIN") as error:
        _build(unsupported_op_model, tmp_path)
    assert "FULLY_CONNECTED" in str(error.value)
    assert not (tmp_path / "firmware").exists()  # failed before anything was built


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
