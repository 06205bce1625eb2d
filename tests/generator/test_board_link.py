"""The image for a real Arduino Nano 33 BLE: linked after the bootloader, with .bin/.hex that hold
exactly the ELF's loadable bytes."""
from __future__ import annotations

import struct
from pathlib import Path

import pytest
from elftools.elf.elffile import ELFFile

from tflm_bench.board import load_board
from tflm_bench.emulation import vector_table_address
from tflm_bench.generator import BuildConfig, FirmwareImage, ModelTooLargeError, Target, build_firmware, write_flash_files
from tflm_bench.generator.targets import NANO33BLE_BOOTLOADER_BYTES, link_board

BOARD = load_board()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def board_image(tmp_path_factory: pytest.TempPathFactory) -> FirmwareImage:
    return build_firmware(BuildConfig(ROOT / "models" / "sine_int8.tflite", ROOT / "build",
                                      target=Target.NANO33BLE))


def _loaded_bytes(elf: Path) -> dict[int, int]:
    """address -> byte for everything the ELF loads into flash (at its load addresses)."""
    loaded: dict[int, int] = {}
    with elf.open("rb") as handle:
        for segment in ELFFile(handle).iter_segments():
            if segment["p_type"] == "PT_LOAD" and segment["p_filesz"] > 0:
                for offset, byte in enumerate(segment.data()):
                    loaded[segment["p_paddr"] + offset] = byte
    return loaded


def _section_bytes(elf: Path) -> dict[int, int]:
    """address -> byte of every allocated section with contents, at its load address (so
    without the alignment padding between sections that the segments also cover)."""
    data: dict[int, int] = {}
    with elf.open("rb") as handle:
        image = ELFFile(handle)
        segments = [s for s in image.iter_segments() if s["p_type"] == "PT_LOAD" and s["p_filesz"] > 0]
        for section in image.iter_sections():
            if not section["sh_flags"] & 2 or section["sh_type"] == "SHT_NOBITS" or section["sh_size"] == 0:
                continue  # SHF_ALLOC = 2
            segment = next(s for s in segments if s.section_in_segment(section))
            load = segment["p_paddr"] + section["sh_offset"] - segment["p_offset"]
            for i, byte in enumerate(section.data()):
                data[load + i] = byte
    return data


def _intel_hex(path: Path) -> dict[int, int]:
    """address -> byte of an Intel HEX file (data, extended segment and linear address records)."""
    data: dict[int, int] = {}
    upper = 0
    for line in path.read_text().split():
        record = bytes.fromhex(line[1:])
        assert line[0] == ":" and sum(record) & 0xFF == 0, f"bad record {line}"
        count, address, kind, payload = record[0], int.from_bytes(record[1:3], "big"), record[3], record[4:-1]
        assert len(payload) == count
        if kind == 0:
            for i, byte in enumerate(payload):
                data[upper + address + i] = byte
        elif kind == 2:
            upper = int.from_bytes(payload, "big") << 4
        elif kind == 4:
            upper = int.from_bytes(payload, "big") << 16
        elif kind == 1:
            break
    return data


def test_the_board_image_is_linked_after_the_bootloader(board_image: FirmwareImage) -> None:
    elf = board_image.elf
    assert vector_table_address(elf) == 0x10000
    with elf.open("rb") as handle:
        image = ELFFile(handle)
        vectors = image.get_section_by_name(".isr_vector")
        assert vectors["sh_addr"] == 0x10000
        sp, reset = struct.unpack("<II", vectors.data()[:8])
        entry = image["e_entry"]
    assert sp == 0x20002000  # the 8 KiB stack at the bottom of RAM, as in the emulator image
    assert reset & 1 and reset & ~1 == entry & ~1
    assert 0x10000 < entry < BOARD.flash.end
    loaded = _loaded_bytes(elf)
    assert min(loaded) == 0x10000 and all(a < BOARD.flash.end for a in loaded)
    memory_script = (board_image.build_dir / "memory" / "tb_memory.ld").read_text()
    assert "ORIGIN = 0x00010000, LENGTH = 0xf0000" in memory_script
    assert "RAM   (rwx) : ORIGIN = 0x20000000, LENGTH = 0x40000" in memory_script
    assert board_image.memory.flash_limit == BOARD.flash.size - NANO33BLE_BOOTLOADER_BYTES
    assert board_image.memory.ram_limit == BOARD.ram.size


def test_the_emulator_image_stays_at_the_flash_base(sine_model: Path) -> None:
    image = build_firmware(BuildConfig(sine_model, ROOT / "build"))
    assert vector_table_address(image.elf) == 0x0
    assert image.memory.flash_limit == BOARD.flash.size


def test_flash_files_hold_the_elfs_loadable_bytes(board_image: FirmwareImage, tmp_path: Path) -> None:
    elf = tmp_path / "fw.elf"
    elf.write_bytes(board_image.elf.read_bytes())
    files = write_flash_files(elf)
    assert (files.binary, files.hex) == (tmp_path / "fw.bin", tmp_path / "fw.hex")
    loaded = _loaded_bytes(elf)
    start, end = min(loaded), max(loaded) + 1
    binary = files.binary.read_bytes()
    assert len(binary) == end - start  # from the vector table at 0x10000 to the last loaded byte
    assert {start + i: b for i, b in enumerate(binary) if start + i in loaded} == loaded
    sections = _section_bytes(elf)
    assert _intel_hex(files.hex) == sections  # objcopy writes sections, not the padding between them
    assert all(loaded[a] == 0 for a in loaded.keys() - sections.keys())
    assert files.bossac_command() == f"bossac -d --port=/dev/ttyACM0 -U -i -e -w {files.binary} -R"


def test_link_board_offsets_only_flash() -> None:
    shifted = link_board(BOARD, Target.NANO33BLE)
    assert (shifted.flash.base, shifted.flash.size) == (0x10000, 0xF0000)
    assert shifted.ram == BOARD.ram and link_board(BOARD, Target.EMULATOR) == BOARD


def test_a_platform_without_room_after_the_bootloader_is_refused() -> None:
    import dataclasses

    tiny = dataclasses.replace(BOARD, flash=dataclasses.replace(BOARD.flash, size=0x10000))
    with pytest.raises(ModelTooLargeError, match="0x10000 .*after the bootloader"):
        link_board(tiny, Target.NANO33BLE)
