"""Parser for the subset of Renode's platform description (.repl) format the bench uses.

Supported: entries ``name: Type @ sysbus ADDR`` (also ``@ sysbus <A, +S>``, ``@ { sysbus A;
sysbus B }``, ``@ sysbus`` and no registration), indented attributes ``key: value`` (numbers,
"strings", true/false, references to entries, ``Enum.Value``), IRQ lines ``-> target@N`` and
``SRC -> target@N``, ``//`` and ``/* */`` comments, ``using "path"`` (relative to the including
file) and update entries (``name:`` without a type) that change an earlier entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Callable, Iterator, Mapping, Union

from .errors import EmulationError

DEFAULT_PLATFORM = Path(__file__).parent / "platforms" / "nrf52840.repl"


class ReplError(EmulationError):
    """A platform description cannot be read; names file:line and the problem."""

    def __init__(self, path: Path | str, line: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.problem = message
        super().__init__(f"{path}:{line}: {message}")


@dataclass(frozen=True)
class Reference:
    """A value naming another entry (``nvic: nvic``)."""

    name: str


@dataclass(frozen=True)
class EnumValue:
    """A dotted value such as ``Endianess.BigEndian``."""

    text: str


Value = Union[int, float, str, bool, Reference, EnumValue]


@dataclass(frozen=True)
class SourceLine:
    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Registration:
    """Where an entry sits on a bus; size only for ``<A, +S>`` ranges."""

    bus: str
    address: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class IrqConnection:
    """``source -> target@line``; source None means the peripheral's default IRQ."""

    source: str | int | None
    target: str
    line: int | None


@dataclass(frozen=True)
class PeripheralEntry:
    name: str
    type_name: str
    addresses: tuple[Registration, ...]
    attributes: Mapping[str, Value] = field(hash=False)
    irqs: tuple[IrqConnection, ...]
    source_line: SourceLine

    def get(self, key: str, default: Value | None = None) -> Value | None:
        """An attribute by name, case-insensitively (Renode accepts both spellings)."""
        wanted = key.lower()
        for name, value in self.attributes.items():
            if name.lower() == wanted:
                return value
        return default

    def has(self, key: str) -> bool:
        return self.get(key) is not None

    @property
    def address(self) -> int | None:
        """The first registered address, if any."""
        for registration in self.addresses:
            if registration.address is not None:
                return registration.address
        return None


SizeFunction = Callable[[PeripheralEntry], "int | None"]


@dataclass(frozen=True)
class PlatformDescription:
    path: str
    entries: tuple[PeripheralEntry, ...]

    def __iter__(self) -> Iterator[PeripheralEntry]:
        return iter(self.entries)

    def entry(self, name: str) -> PeripheralEntry:
        for candidate in self.entries:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.path} declares no entry '{name}'")

    def find_by_type(self, type_name: str) -> list[PeripheralEntry]:
        return [e for e in self.entries if e.type_name == type_name]

    def memories(self) -> list[PeripheralEntry]:
        return self.find_by_type("Memory.MappedMemory")

    def cpu(self) -> PeripheralEntry:
        cpus = [e for e in self.entries if e.type_name.startswith("CPU.")]
        if not cpus:
            raise ReplError(self.path, 1, "no CPU entry (e.g. `cpu: CPU.CortexM @ sysbus`)")
        return cpus[0]

    def peripheral_at(self, address: int, size_of: SizeFunction) -> PeripheralEntry | None:
        """The entry whose registered range (as sized by size_of) contains address."""
        for candidate in self.entries:
            for registration in candidate.addresses:
                if registration.address is None:
                    continue
                size = registration.size or size_of(candidate)
                if size and registration.address <= address < registration.address + size:
                    return candidate
        return None



def load(path: Path | str = DEFAULT_PLATFORM) -> PlatformDescription:
    """Parse a .repl file (and the files it includes with ``using``)."""
    builder = _Builder()
    builder.include(Path(path), stack=(), origin=None)
    return builder.finish(str(path))


def parse_text(text: str, path: Path | str = "<text>") -> PlatformDescription:
    """Parse .repl text; ``using`` paths are relative to path's folder."""
    builder = _Builder()
    builder.parse(text, Path(path), stack=(Path(path).resolve(),))
    return builder.finish(str(path))


# --- implementation -------------------------------------------------------------------------

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_HEADER = re.compile(rf"^({_IDENT})\s*:\s*(.*)$")
_TYPE = re.compile(rf"^({_IDENT}(?:\.{_IDENT})*)\s*(.*)$")
_NUMBER = re.compile(r"^[+-]?(0[xX][0-9A-Fa-f_]+|[0-9][0-9_]*)$")
_FLOAT = re.compile(r"^[+-]?[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?$")
_IRQ_TARGET = re.compile(rf"^({_IDENT})(?:\s*@\s*([0-9]+|0[xX][0-9A-Fa-f]+))?$")


@dataclass
class _Draft:
    name: str
    type_name: str
    addresses: tuple[Registration, ...]
    attributes: dict[str, Value]
    irqs: list[IrqConnection]
    source_line: SourceLine


class _Builder:
    def __init__(self) -> None:
        self.drafts: dict[str, _Draft] = {}

    def include(self, path: Path, stack: tuple[Path, ...], origin: SourceLine | None) -> None:
        resolved = path.resolve()
        if resolved in stack:
            where = origin or SourceLine(str(path), 1)
            raise ReplError(where.path, where.line, f"`using` cycle: {path} includes itself")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            if origin is None:
                raise ReplError(path, 0, f"cannot read the platform description: {exc}") from exc
            raise ReplError(
                origin.path, origin.line, f"cannot read included file {path}: {exc.strerror}"
            ) from exc
        self.parse(text, path, stack + (resolved,))

    def parse(self, text: str, path: Path, stack: tuple[Path, ...]) -> None:
        current: _Draft | None = None
        for number, raw in enumerate(_strip_comments(text, path), start=1):
            if not raw.strip():
                continue
            where = SourceLine(str(path), number)
            if raw[0] in " \t":
                if current is None:
                    raise ReplError(path, number, "indented line outside any entry")
                self._body_line(current, raw.strip(), where)
                continue
            line = raw.strip()
            if line.startswith("using"):
                current = None
                self._using(line, path, stack, where)
                continue
            current = self._header(line, where)

    def _using(self, line: str, path: Path, stack: tuple[Path, ...], where: SourceLine) -> None:
        match = re.fullmatch(r'using\s+"([^"]*)"\s*(.*)', line)
        if not match:
            raise ReplError(where.path, where.line, 'expected `using "relative/path.repl"`')
        if match.group(2):
            raise ReplError(
                where.path, where.line,
                f"unsupported after using: '{match.group(2)}' (prefixed includes are not supported)",
            )
        self.include(path.parent / match.group(1), stack, where)

    def _header(self, line: str, where: SourceLine) -> _Draft:
        match = _HEADER.match(line)
        if not match:
            raise ReplError(
                where.path, where.line,
                f"expected an entry `name: Type @ sysbus 0xADDRESS`, got '{line}'",
            )
        name, rest = match.group(1), match.group(2).strip()
        type_name = ""
        type_match = _TYPE.match(rest)
        if rest and not rest.startswith("@"):
            if not type_match:
                raise ReplError(where.path, where.line, f"bad type name in '{line}'")
            type_name, rest = type_match.group(1), type_match.group(2).strip()
        addresses: tuple[Registration, ...] | None = None
        if rest:
            if not rest.startswith("@"):
                raise ReplError(
                    where.path, where.line,
                    f"expected '@ sysbus ADDRESS' after the type, got '{rest}'",
                )
            addresses = _registrations(rest[1:].strip(), where)
        existing = self.drafts.get(name)
        if type_name:
            if existing is not None:
                raise ReplError(
                    where.path, where.line,
                    f"'{name}' is already declared at {existing.source_line}; to change it, "
                    f"write an update entry `{name}:` without a type",
                )
            draft = _Draft(name, type_name, addresses or (), {}, [], where)
            self.drafts[name] = draft
            return draft
        if existing is None:
            raise ReplError(
                where.path, where.line,
                f"'{name}' has no type and no earlier declaration to update; declare it as "
                f"`{name}: Type @ sysbus ADDRESS`",
            )
        if addresses is not None:
            existing.addresses = addresses
        return existing

    def _body_line(self, draft: _Draft, line: str, where: SourceLine) -> None:
        if "->" in line:
            self._irq(draft, line, where)
            return
        match = re.match(rf"^({_IDENT})\s*:\s*(.*)$", line)
        if not match:
            raise ReplError(
                where.path, where.line,
                f"expected an attribute `key: value` or an IRQ `-> target@N`, got '{line}'",
            )
        key, text = match.group(1), match.group(2).strip()
        if not text:
            raise ReplError(where.path, where.line, f"attribute '{key}' has no value")
        for existing in list(draft.attributes):
            if existing.lower() == key.lower():
                del draft.attributes[existing]
        draft.attributes[key] = _value(text, where)

    def _irq(self, draft: _Draft, line: str, where: SourceLine) -> None:
        left, right = (part.strip() for part in line.split("->", 1))
        source: str | int | None = None
        if left:
            if _NUMBER.match(left):
                source = int(left.replace("_", ""), 0)
            elif re.fullmatch(_IDENT, left):
                source = left
            else:
                raise ReplError(where.path, where.line, f"bad IRQ source '{left}'")
        targets = [t.strip() for t in right.split("|")]
        connections = []
        for target in targets:
            match = _IRQ_TARGET.match(target)
            if not match:
                raise ReplError(
                    where.path, where.line, f"bad IRQ target '{target}', expected `name@N`"
                )
            irq_line = int(match.group(2), 0) if match.group(2) else None
            connections.append(IrqConnection(source, match.group(1), irq_line))
        draft.irqs = [irq for irq in draft.irqs if irq.source != source] + connections

    def finish(self, path: str) -> PlatformDescription:
        names = set(self.drafts) | {"sysbus"}
        entries = []
        for draft in self.drafts.values():
            for key, value in draft.attributes.items():
                if isinstance(value, Reference) and value.name not in names:
                    raise ReplError(
                        draft.source_line.path, draft.source_line.line,
                        f"attribute '{key}' of '{draft.name}' refers to unknown entry "
                        f"'{value.name}'",
                    )
            for irq in draft.irqs:
                if irq.target not in names:
                    raise ReplError(
                        draft.source_line.path, draft.source_line.line,
                        f"IRQ of '{draft.name}' goes to unknown entry '{irq.target}'",
                    )
            for registration in draft.addresses:
                if registration.bus not in names:
                    raise ReplError(
                        draft.source_line.path, draft.source_line.line,
                        f"'{draft.name}' is registered on unknown bus '{registration.bus}'",
                    )
            entries.append(
                PeripheralEntry(
                    name=draft.name,
                    type_name=draft.type_name,
                    addresses=draft.addresses,
                    attributes=MappingProxyType(dict(draft.attributes)),
                    irqs=tuple(draft.irqs),
                    source_line=draft.source_line,
                )
            )
        return PlatformDescription(path=path, entries=tuple(entries))


def _registrations(text: str, where: SourceLine) -> tuple[Registration, ...]:
    if text == "none":
        return ()
    if text.startswith("{"):
        if not text.endswith("}"):
            raise ReplError(where.path, where.line, "registration list misses its closing '}'")
        parts = [p.strip() for p in text[1:-1].split(";") if p.strip()]
        if not parts:
            raise ReplError(where.path, where.line, "empty registration list '{ }'")
        return tuple(_registration(p, where) for p in parts)
    return (_registration(text, where),)


def _registration(text: str, where: SourceLine) -> Registration:
    match = re.fullmatch(rf"({_IDENT})\s*(.*)", text)
    if not match:
        raise ReplError(where.path, where.line, f"bad registration '{text}'")
    bus, rest = match.group(1), match.group(2).strip()
    if not rest:
        return Registration(bus)
    if _NUMBER.match(rest):
        return Registration(bus, _int(rest, where))
    ranged = re.fullmatch(r"<\s*([^,>]+)\s*,\s*\+\s*([^>]+?)\s*>", rest)
    if ranged:
        return Registration(bus, _int(ranged.group(1), where), _int(ranged.group(2), where))
    raise ReplError(
        where.path, where.line,
        f"bad address '{rest}': expected a number or a range `<0xSTART, +0xSIZE>`",
    )


def _int(text: str, where: SourceLine) -> int:
    text = text.strip()
    if not _NUMBER.match(text):
        raise ReplError(where.path, where.line, f"'{text}' is not a number")
    return int(text.replace("_", ""), 0)


def _value(text: str, where: SourceLine) -> Value:
    if text.startswith('"'):
        match = re.fullmatch(r'"((?:[^"\\]|\\.)*)"', text)
        if not match:
            raise ReplError(where.path, where.line, f"unterminated string {text}")
        return re.sub(r"\\(.)", r"\1", match.group(1))
    if text in ("true", "false"):
        return text == "true"
    if _NUMBER.match(text):
        return int(text.replace("_", ""), 0)
    if _FLOAT.match(text):
        return float(text)
    if re.fullmatch(_IDENT, text):
        return Reference(text)
    if re.fullmatch(rf"{_IDENT}(?:\.{_IDENT})+", text):
        return EnumValue(text)
    raise ReplError(
        where.path, where.line,
        f"unsupported value '{text}' (expected a number, \"string\", true/false, "
        f"an entry name or Enum.Value)",
    )


def _strip_comments(text: str, path: Path) -> list[str]:
    """Lines with // and /* */ comments blanked out (line numbers kept)."""
    out: list[str] = []
    in_block = False
    block_start = 0
    for number, line in enumerate(text.splitlines(), start=1):
        result = []
        i = 0
        in_string = False
        while i < len(line):
            if in_block:
                end = line.find("*/", i)
                if end < 0:
                    i = len(line)
                    continue
                in_block = False
                i = end + 2
                result.append(" ")
                continue
            char = line[i]
            if in_string:
                result.append(char)
                if char == "\\" and i + 1 < len(line):
                    result.append(line[i + 1])
                    i += 2
                    continue
                in_string = char != '"'
                i += 1
                continue
            if char == '"':
                in_string = True
            elif line.startswith("//", i):
                break
            elif line.startswith("/*", i):
                in_block = True
                block_start = number
                i += 2
                continue
            result.append(char)
            i += 1
        out.append("".join(result).rstrip())
    if in_block:
        raise ReplError(path, block_start, "comment '/*' is never closed with '*/'")
    return out
