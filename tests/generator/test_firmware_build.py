"""Firmware builds: cached by hashes, sized against the nRF52840, failing clearly when too large."""
from __future__ import annotations

from pathlib import Path

import pytest

from tflm_bench.board import load_board
from tflm_bench.generator import BuildConfig, ModelTooLargeError, UnsupportedOpError, build_firmware

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
