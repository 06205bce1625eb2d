"""Parser for the subset of Renode's platform description (.repl) format the bench uses.

Supported: entries ``name: Type @ bus ADDR`` (also ``@ sysbus <A, +S>``, ``@ { sysbus A;
sysbus B }`` over several lines, ``@ sysbus``, ``@ none`` and no registration), indented
attributes ``key: value`` (numbers, "strings", true/false, ``none``, references to entries,
``Enum.Value``, ranges ``<a, b>`` / ``<a, +s>``, lists ``[a, b]``, ``new Type { k: v }``), IRQ
lines ``-> target@N``, ``SRC -> a@N | b@M`` and ranges ``[0-3] -> target@[4-7]``, ``init:`` /
``init add:`` blocks (monitor commands such as ``Tag`` and ``ApplySVD``, kept verbatim),
updates of ``sysbus``, ``//`` and ``/* */`` comments, update entries (``name:`` without a
type) and ``using "path"`` (optionally ``prefixed "p_"``), resolved as Renode does: against a
list of root folders first (see ``search_path``), then relative to the including file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
import os
from typing import Callable, Iterator, Mapping, Sequence, Union

from .renode_launcher import find_renode

DEFAULT_PLATFORM = Path(__file__).parent / "platforms" / "nrf52840.repl"
# The stock Renode Arduino Nano 33 BLE board plus what the bench needs (legacy UART, DWT, MIPS).
RENODE_OVERLAY = Path(__file__).parent / "platforms" / "nano33ble-renode-overlay.repl"
REPL_PATH_ENV = "TFLM_BENCH_REPL_PATH"


def search_path(
    extra: Sequence[Path | str] = (), environ: Mapping[str, str] | None = None
) -> tuple[Path, ...]:
    """Root folders `using "platforms/..."` is resolved against, in order: `extra` (the CLI's
    --repl-path), $TFLM_BENCH_REPL_PATH (colon-separated), then the root of the Renode the bench
    finds (the folder holding `platforms/` next to the launcher)."""
    env = os.environ if environ is None else environ
    roots = [Path(p) for p in extra]
    roots += [Path(p) for p in env.get(REPL_PATH_ENV, "").split(os.pathsep) if p]
    launcher = find_renode(environ=env)
    if launcher is not None:
        for folder in (launcher.resolve().parent, *launcher.resolve().parents):
            if (folder / "platforms").is_dir():
                roots.append(folder)
                break
    unique: list[Path] = []
    for root in roots:
        if root not in unique:
            unique.append(root)
    return tuple(unique)


class ReplError(Exception):
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


@dataclass(frozen=True)
class NoneValue:
    """Renode's ``none`` (no object)."""


NONE = NoneValue()


@dataclass(frozen=True)
class RangeValue:
    """``<start, end>`` or ``<start, +size>``; end is exclusive of nothing, as written."""

    start: int
    end: int | None = None
    size: int | None = None


@dataclass(frozen=True)
class NewObject:
    """``new Type { key: value; ... }``: an object built in place."""

    type_name: str
    attributes: tuple[tuple[str, "Value"], ...] = ()


Value = Union[int, float, str, bool, Reference, EnumValue, NoneValue, RangeValue, NewObject, tuple]


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
    init: tuple[str, ...] = ()  # monitor commands of `init:` blocks (Renode runs them; we don't)

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
        """The first address registered on sysbus, if any."""
        for registration in self.addresses:
            if registration.address is not None and registration.bus == "sysbus":
                return registration.address
        return None


SizeFunction = Callable[[PeripheralEntry], "int | None"]


@dataclass(frozen=True)
class Directive:
    """One `// tflm-bench: NAME VALUE` line of a description."""

    name: str
    value: str
    where: SourceLine


_DIRECTIVE = re.compile(r"^\s*//\s*tflm-bench\s*:\s*(\w+)\s*[=:]?\s*(\S+)\s*$")


@dataclass(frozen=True)
class PlatformDescription:
    path: str
    entries: tuple[PeripheralEntry, ...]
    # `// tflm-bench: NAME VALUE` comment lines: facts for the bench that Renode has no property
    # for (e.g. the chip's supply currents); a comment to Renode. Outer files override included ones.
    directives: tuple[Directive, ...] = ()

    def __iter__(self) -> Iterator[PeripheralEntry]:
        return iter(self.entries)

    def entry(self, name: str) -> PeripheralEntry:
        for candidate in self.entries:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{self.path} declares no entry '{name}'")

    def find_by_type(self, type_name: str) -> list[PeripheralEntry]:
        return [e for e in self.entries if e.type_name == type_name]

    def ignored_init(self) -> list[str]:
        """Notes on `init:` commands (Tag, ApplySVD, ...) the built-in engine keeps but does not run."""
        return [f"{e.name}: {len(e.init)} init command(s) ignored by the built-in engine "
                f"(first: {e.init[0]})" for e in self.entries if e.init]

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
                if registration.address is None or registration.bus != "sysbus":
                    continue
                size = registration.size or size_of(candidate)
                if size and registration.address <= address < registration.address + size:
                    return candidate
        return None



def load(
    path: Path | str = DEFAULT_PLATFORM, roots: Sequence[Path | str] | None = None
) -> PlatformDescription:
    """Parse a .repl file (and the files it includes with ``using``); `roots` defaults to
    ``search_path()``."""
    builder = _Builder(search_path() if roots is None else tuple(Path(r) for r in roots))
    builder.include(Path(path), stack=(), origin=None)
    return builder.finish(str(path))


def parse_text(
    text: str, path: Path | str = "<text>", roots: Sequence[Path | str] = ()
) -> PlatformDescription:
    """Parse .repl text; ``using`` paths are tried under `roots`, then path's folder."""
    builder = _Builder(tuple(Path(r) for r in roots))
    builder.parse(text, Path(path), stack=(Path(path).resolve(),))
    return builder.finish(str(path))


# --- implementation -------------------------------------------------------------------------

_IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
_HEADER = re.compile(rf"^({_IDENT})\s*:\s*(.*)$", re.S)
_TYPE = re.compile(rf"^({_IDENT}(?:\.{_IDENT})*)\s*(.*)$")
_NUMBER = re.compile(r"^[+-]?(0[xX][0-9A-Fa-f_]+|[0-9][0-9_]*)$")
_FLOAT = re.compile(r"^[+-]?[0-9]+\.[0-9]+(?:[eE][+-]?[0-9]+)?$")
_IRQ_TARGET = re.compile(rf"^({_IDENT})(?:\s*@\s*([0-9]+|0[xX][0-9A-Fa-f]+|\[[^\]]*\]))?$")


@dataclass
class _Draft:
    name: str
    type_name: str
    addresses: tuple[Registration, ...]
    attributes: dict[str, Value]
    irqs: list[IrqConnection]
    source_line: SourceLine
    init: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Logical:
    """One statement: a physical line plus the lines an open '{', '[' or '<' pulls in."""

    text: str
    indent: int
    where: SourceLine


def _logical_lines(lines: list[str], path: Path) -> list[_Logical]:
    out: list[_Logical] = []
    pending: list[str] = []
    start = 0
    indent = 0
    depth = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip() and not pending:
            continue
        if not pending:
            start, indent = number, len(raw) - len(raw.lstrip(" \t"))
        pending.append(raw.strip())
        depth += _depth_change(raw)
        if depth <= 0:
            out.append(_Logical("\n".join(pending), indent, SourceLine(str(path), start)))
            pending, depth = [], 0
    if pending:
        raise ReplError(path, start, "a '{' or '[' opened here is never closed")
    return out


def _depth_change(line: str) -> int:
    depth = 0
    in_string = False
    for char in line:
        if char == '"':
            in_string = not in_string
        elif not in_string and char in "{[":
            depth += 1
        elif not in_string and char in "}]":
            depth -= 1
    return depth


class _Builder:
    def __init__(self, roots: tuple[Path, ...] = ()) -> None:
        self.drafts: dict[str, _Draft] = {}
        self.directives: dict[str, Directive] = {}
        self.roots = roots
        self.prefix = ""
        self.outer_names: set[str] = set()

    def name(self, name: str) -> str:
        """`name` as the current `using ... prefixed` sees it (sysbus and outer names kept)."""
        if not self.prefix or name == "sysbus" or name in self.outer_names:
            return name
        return self.prefix + name

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
        self._parse_entries(text, path, stack)
        # After the entries: the files this one includes were parsed there, so its own
        # directives override theirs.
        for number, line in enumerate(text.splitlines(), 1):
            found = _DIRECTIVE.match(line)
            if found:
                self.directives[found.group(1)] = Directive(found.group(1), found.group(2), SourceLine(str(path), number))

    def _parse_entries(self, text: str, path: Path, stack: tuple[Path, ...]) -> None:
        current: _Draft | None = None
        init_indent: int | None = None
        for logical in _logical_lines(_strip_comments(text, path), path):
            where, line = logical.where, logical.text
            if init_indent is not None and logical.indent > init_indent:
                assert current is not None
                current.init.append(" ".join(line.split()))
                continue
            init_indent = None
            if logical.indent:
                if current is None:
                    raise ReplError(path, where.line, "indented line outside any entry")
                if re.fullmatch(r"init(\s+add)?\s*:", line):
                    if not re.search(r"\badd\b", line):
                        current.init.clear()
                    init_indent = logical.indent
                    continue
                self._body_line(current, line, where)
                continue
            if re.match(r"using\b", line):
                current = None
                self._using(line, path, stack, where)
                continue
            current = self._header(line, where)

    def _using(self, line: str, path: Path, stack: tuple[Path, ...], where: SourceLine) -> None:
        match = re.fullmatch(r'using\s+"([^"]*)"\s*(?:prefixed\s+"([^"]*)")?\s*(.*)', line)
        if not match or match.group(3):
            raise ReplError(
                where.path, where.line,
                'expected `using "platforms/file.repl"` (optionally `prefixed "name_"`)',
            )
        target = self._resolve(match.group(1), path, where)
        saved = (self.prefix, self.outer_names)
        if match.group(2):
            self.prefix = self.prefix + match.group(2)
            self.outer_names = set(self.drafts)
        try:
            self.include(target, stack, where)
        finally:
            self.prefix, self.outer_names = saved

    def _resolve(self, relative: str, including: Path, where: SourceLine) -> Path:
        """As Renode: the search roots first, then the including file's folder."""
        candidate = Path(relative)
        if candidate.is_absolute():
            return candidate
        tried = [root / candidate for root in self.roots] + [including.parent / candidate]
        for option in tried:
            if option.is_file():
                return option
        roots = ", ".join(str(r) for r in self.roots) or "none"
        raise ReplError(
            where.path, where.line,
            f'`using "{relative}"`: no such file under the search roots ({roots}) nor next to '
            f"{including}. Give the folder holding it (for Renode's files: the Renode tree, the "
            f"one with platforms/) with --repl-path DIR or {REPL_PATH_ENV}=DIR",
        )

    def _header(self, line: str, where: SourceLine) -> _Draft:
        match = _HEADER.match(line)
        if not match:
            raise ReplError(
                where.path, where.line,
                f"expected an entry `name: Type @ sysbus 0xADDRESS`, got '{line}'",
            )
        name, rest = self.name(match.group(1)), " ".join(match.group(2).split())
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
            addresses = tuple(
                Registration(self.name(r.bus), r.address, r.size)
                for r in _registrations(rest[1:].strip(), where)
            )
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
        if existing is None and name == "sysbus":
            existing = self.drafts[name] = _Draft(name, "System.SystemBus", (), {}, [], where)
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
        if "->" in line and not line.lstrip().startswith('"'):
            self._irq(draft, line, where)
            return
        match = re.match(rf"^({_IDENT})\s*:\s*(.*)$", line, re.S)
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
        draft.attributes[key] = self._renamed(_value(text, where))

    def _renamed(self, value: Value) -> Value:
        if isinstance(value, Reference):
            return Reference(self.name(value.name))
        if isinstance(value, tuple):
            return tuple(self._renamed(v) for v in value)
        if isinstance(value, NewObject):
            return NewObject(value.type_name, tuple((k, self._renamed(v)) for k, v in value.attributes))
        return value

    def _irq(self, draft: _Draft, line: str, where: SourceLine) -> None:
        left, right = (" ".join(part.split()) for part in line.split("->", 1))
        sources: list[str | int | None] = [None]
        if left:
            sources = list(_irq_sources(left, where))
        connections = []
        for target in (t.strip() for t in right.split("|")):
            match = _IRQ_TARGET.match(target)
            if not match:
                raise ReplError(
                    where.path, where.line,
                    f"bad IRQ target '{target}', expected `name@N` or `name@[A-B]`",
                )
            lines: list[int | None] = [None]
            if match.group(2):
                lines = list(_irq_numbers(match.group(2), where))
            if len(lines) != len(sources) and not (len(lines) == 1 and len(sources) == 1):
                raise ReplError(
                    where.path, where.line,
                    f"IRQ range sizes differ: {len(sources)} source(s), {len(lines)} target line(s)",
                )
            for source, irq_line in zip(sources, lines):
                connections.append(IrqConnection(source, self.name(match.group(1)), irq_line))
        replaced = {c.source for c in connections}
        draft.irqs = [irq for irq in draft.irqs if irq.source not in replaced] + connections

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
                    init=tuple(draft.init),
                )
            )
        return PlatformDescription(path=path, entries=tuple(entries), directives=tuple(self.directives.values()))


def _irq_numbers(text: str, where: SourceLine) -> Iterator[int]:
    ranged = re.fullmatch(r"\[\s*(\w+)\s*-\s*(\w+)\s*\]", text)
    if ranged:
        first, last = _int(ranged.group(1), where), _int(ranged.group(2), where)
        if last < first:
            raise ReplError(where.path, where.line, f"IRQ range {text} runs backwards")
        yield from range(first, last + 1)
        return
    yield _int(text, where)


def _irq_sources(text: str, where: SourceLine) -> Iterator[str | int]:
    if text.startswith("["):
        yield from _irq_numbers(text, where)
    elif _NUMBER.match(text):
        yield _int(text, where)
    elif re.fullmatch(_IDENT, text):
        yield text
    else:
        raise ReplError(where.path, where.line, f"bad IRQ source '{text}'")


def _registrations(text: str, where: SourceLine) -> tuple[Registration, ...]:
    if text == "none":
        return ()
    if text.startswith("{"):
        if not text.endswith("}"):
            raise ReplError(where.path, where.line, "registration list misses its closing '}'")
        parts = [p.strip() for p in re.split(r"[;\n]", text[1:-1]) if p.strip()]
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
    if text == "none":
        return NONE
    ranged = re.fullmatch(r"<\s*([^,>]+?)\s*,\s*(\+?)\s*([^>]+?)\s*>", text)
    if ranged:
        start, second = _int(ranged.group(1), where), _int(ranged.group(3), where)
        return RangeValue(start, size=second) if ranged.group(2) else RangeValue(start, end=second)
    if text.startswith("[") and text.endswith("]"):
        items = [i.strip() for i in text[1:-1].split(",") if i.strip()]
        return tuple(_value(i, where) for i in items)
    new = re.fullmatch(rf"new\s+({_IDENT}(?:\.{_IDENT})*)\s*(?:\{{(.*)\}})?", text, re.S)
    if new:
        pairs = []
        for part in (p.strip() for p in re.split(r"[;\n]", new.group(2) or "") if p.strip()):
            key, _, raw = part.partition(":")
            pairs.append((key.strip(), _value(raw.strip(), where)))
        return NewObject(new.group(1), tuple(pairs))
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
            elif line.startswith("//", i) and not line[:i].endswith(":"):
                break  # (a URL's "://" in an init command is no comment)
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
