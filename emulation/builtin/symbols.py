"""Address -> function name (and source line when DWARF is present), from an ELF file."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection


@dataclass(frozen=True)
class Location:
    function: str | None
    file: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        text = f"{self.function}()" if self.function else "<unknown>"
        if self.file and self.line:
            text += f" at {self.file}:{self.line}"
        return text


class SymbolTable:
    """Function symbols of one ELF (Thumb bit cleared), looked up by address."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        starts: list[tuple[int, int, str]] = []
        with self.path.open("rb") as stream:
            elf = ELFFile(stream)
            for section in elf.iter_sections():
                if not isinstance(section, SymbolTableSection):
                    continue
                for symbol in section.iter_symbols():
                    kind = symbol["st_info"]["type"]
                    if kind not in ("STT_FUNC", "STT_NOTYPE") or not symbol.name:
                        continue
                    if symbol["st_shndx"] == "SHN_UNDEF" or symbol.name.startswith("$"):
                        continue
                    address = symbol["st_value"] & ~1
                    size = symbol["st_size"] if kind == "STT_FUNC" else 0
                    starts.append((address, size, symbol.name))
        # The DWARF line table (seconds of pyelftools on a large image) is read on the first
        # locate(): most sessions never report a source line.
        self._lines: list[tuple[int, str, int]] | None = None
        self._line_addresses: list[int] = []
        # Functions first at the same address, so they win over labels.
        starts.sort(key=lambda item: (item[0], item[1] == 0))
        self._addresses = [item[0] for item in starts]
        self._symbols = starts

    def _line_rows(self) -> list[tuple[int, str, int]]:
        if self._lines is None:
            try:
                with self.path.open("rb") as stream:
                    elf = ELFFile(stream)
                    self._lines = _line_table(elf) if elf.has_dwarf_info() else []
            except (OSError, ELFError):  # the image went away since: functions without lines
                self._lines = []
            self._line_addresses = [item[0] for item in self._lines]
        return self._lines

    def function_at(self, address: int) -> str | None:
        """The function (or label) containing address: the nearest symbol at or below it."""
        index = bisect.bisect_right(self._addresses, address) - 1
        nearest: str | None = None
        for i in range(index, max(index - 64, -1), -1):
            start, size, name = self._symbols[i]
            if size and start <= address < start + size:
                return name
            if size == 0 and nearest is None:
                nearest = name
        return nearest

    def is_function(self, address: int) -> bool:
        """Whether a function symbol (STT_FUNC) starts at address."""
        index = bisect.bisect_left(self._addresses, address)
        while index < len(self._symbols) and self._symbols[index][0] == address:
            if self._symbols[index][1]:
                return True
            index += 1
        return False

    def address_of(self, name: str) -> int | None:
        """Address of a symbol by name (Thumb bit cleared), or None."""
        for address, _, symbol in self._symbols:
            if symbol == name:
                return address
        return None

    def locate(self, address: int) -> Location:
        """Function and source line of a code address; no line outside every function."""
        if self.function_at(address) is None:
            return Location(None)
        file, line = None, None
        lines = self._line_rows()
        index = bisect.bisect_right(self._line_addresses, address) - 1
        if index >= 0:
            _, file, line = lines[index]
        return Location(self.function_at(address), file, line)


_CACHE: dict[tuple[str, int, int], SymbolTable] = {}
_CACHE_SIZE = 8


def load_symbols(path: Path | str) -> SymbolTable:
    """The SymbolTable of `path`, shared while the file is unchanged: a boot reads one ELF's symbols
    for the engine, the fault locator and the stack bounds."""
    resolved = Path(path).resolve()
    stat = resolved.stat()
    key = (str(resolved), stat.st_mtime_ns, stat.st_size)
    table = _CACHE.get(key)
    if table is None:
        table = SymbolTable(resolved)
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = table
    return table


def _line_table(elf: ELFFile) -> list[tuple[int, str, int]]:
    rows: list[tuple[int, str, int]] = []
    dwarf = elf.get_dwarf_info()
    for unit in dwarf.iter_CUs():
        program = dwarf.line_program_for_CU(unit)
        if program is None:
            continue
        header_files = program["file_entry"]
        version = program["version"]
        sequence: list[tuple[int, str, int]] = []
        for entry in program.get_entries():
            state = entry.state
            if state is None:
                continue
            if state.end_sequence:
                # Code the linker discarded (--gc-sections) keeps sequences at address 0.
                if sequence and sequence[0][0] != 0:
                    rows.extend(sequence)
                sequence = []
                continue
            index = state.file if version >= 5 else state.file - 1
            if 0 <= index < len(header_files):
                name = header_files[index].name
                file = name.decode() if isinstance(name, bytes) else str(name)
            else:
                file = "?"
            sequence.append((state.address, file, state.line))
    rows.sort(key=lambda row: row[0])
    return rows
