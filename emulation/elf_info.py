"""What an engine's user needs to know about a firmware ELF: source locations, stack bounds."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

from .builtin.symbols import load_symbols
from .errors import EmulationError, FirmwareFileError
from .faults import StackBounds

ELF_MAGIC = b"\x7fELF"


def check_elf(path: Path) -> Path:
    """`path` if it is a readable 32-bit ELF file; otherwise an error naming what it is instead."""
    path = Path(path)
    if path.is_dir():
        raise FirmwareFileError(f"{path} is a directory, not a firmware ELF; give the .elf file (e.g. from `tflm-bench build`)")
    if not path.is_file():
        raise FirmwareFileError(f"no such firmware file: {path}")
    with path.open("rb") as handle:
        head = handle.read(5)
    if head[:4] != ELF_MAGIC:
        raise FirmwareFileError(f"{path} is not an ELF file (it starts with {head[:4]!r}); give the firmware .elf, "
                             "not a .bin/.hex or a model")
    if head[4:5] != b"\x01":
        raise FirmwareFileError(f"{path} is a 64-bit ELF; the nRF52840 runs 32-bit Arm firmware")
    return path


def source_locator(elf: Path) -> Callable[[int], str]:
    """address -> "function() at file:line" from the firmware's symbols and DWARF."""
    try:
        symbols = load_symbols(elf)
    except ELFError as exc:
        raise EmulationError(f"{elf}: cannot read its symbols: {exc}") from exc
    return lambda address: str(symbols.locate(address)) if symbols.function_at(address) else ""


def stack_bounds(elf: Path) -> StackBounds | None:
    """The stack region the linker script reserved (`__stack_limit`..`__stack_top`), if it did."""
    symbols = load_symbols(elf)
    limit, top = symbols.address_of("__stack_limit"), symbols.address_of("__stack_top")
    return StackBounds(limit, top) if limit is not None and top is not None else None


VECTOR_SECTION = ".isr_vector"


def vector_table_address(elf: Path) -> int:
    """Where the image's vector table is: its `.isr_vector` section, else its lowest loaded byte.

    That is 0x0 for the emulator image and 0x10000 for one linked after the Nano 33 BLE's
    bootloader; a core starting there takes SP and PC from its first two words, as the
    bootloader does when it hands over.
    """
    try:
        with Path(elf).open("rb") as handle:
            image = ELFFile(handle)
            section = image.get_section_by_name(VECTOR_SECTION)
            if section is not None and section["sh_size"] >= 8:
                return int(section["sh_addr"])
            loaded = [int(s["p_paddr"]) for s in image.iter_segments()
                      if s["p_type"] == "PT_LOAD" and s["p_filesz"] > 0]
    except ELFError as exc:
        raise FirmwareFileError(f"{elf}: cannot read it as an ELF file: {exc}") from exc
    if not loaded:
        raise FirmwareFileError(f"{elf} loads nothing (no PT_LOAD segment with contents), so it has no vector table")
    return min(loaded)
