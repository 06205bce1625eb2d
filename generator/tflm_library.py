"""The user's TFLM library: find it, check it before use, and say what it holds.

The bench never builds TFLM. It links a `libtensorflow-microlite.a` the user built for the
Cortex-M4F with the hard-float ABI, compiling only its own runner against the user's TFLM
headers. Before that it reads the archive itself (no binutils needed): every member must be a
32-bit little-endian ARM ELF object whose build attributes (.ARM.attributes) say Armv7E-M and
floating-point arguments in VFP registers, and the interpreter's entry points must be defined.
A library that fails is refused with the reason and what to rebuild; linking it anyway would
fail with hundreds of lines of linker errors, or worse, link and compute garbage.
"""
from __future__ import annotations

import hashlib
import os
import re
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .errors import GeneratorError

LIB_ENV = "TFLM_LIB"
INCLUDE_ENV = "TFLM_INCLUDE"

_AR_MAGIC = b"!<arch>\n"
_THIN_MAGIC = b"!<thin>\n"
_ELF_MAGIC = b"\x7fELF"
_EM_ARM = 40
_SHT_SYMTAB = 2
_SHT_ARM_ATTRIBUTES = 0x70000003
_STB_GLOBAL, _STB_WEAK = 1, 2
_SHN_UNDEF = 0

# Tag numbers and values from the Arm "Addenda to the ABI" (build attributes).
TAG_CPU_ARCH = 6
TAG_ABI_VFP_ARGS = 28
CPU_ARCH_V7EM = 13
_CPU_ARCH_NAMES = {
    0: "pre-v4", 1: "Armv4", 2: "Armv4T", 3: "Armv5T", 4: "Armv5TE", 5: "Armv5TEJ", 6: "Armv6",
    7: "Armv6KZ", 8: "Armv6T2", 9: "Armv6K", 10: "Armv7", 11: "Armv6-M", 12: "Armv6S-M",
    13: "Armv7E-M", 14: "Armv8-A", 15: "Armv8-R", 16: "Armv8-M.baseline", 17: "Armv8-M.mainline",
    18: "Armv8.1-A", 19: "Armv8.2-A", 20: "Armv8.3-A", 21: "Armv8.1-M.mainline", 22: "Armv9-A",
}
_VFP_ARGS_NAMES = {0: "base (soft-float or softfp: floats in core registers)", 1: "VFP registers (hard-float)",
                   2: "toolchain-specific", 3: "no floating-point arguments"}
# Tags whose value is a NUL-terminated string; 32 carries a number and then a string. Above 32,
# odd tags are strings and even ones numbers (the ABI's rule for tags a reader does not know).
_STRING_TAGS = {4, 5, 65, 67}

_ELF_MACHINES = {3: "x86 (i386)", 62: "x86-64", 183: "AArch64", 40: "ARM", 243: "RISC-V", 8: "MIPS"}

# The runner calls these; a library without them is not a TFLM build (or a truncated one).
REQUIRED_SYMBOLS: dict[str, str] = {
    "_ZN6tflite16MicroInterpreter15AllocateTensorsEv": "tflite::MicroInterpreter::AllocateTensors()",
    "_ZN6tflite16MicroInterpreter6InvokeEv": "tflite::MicroInterpreter::Invoke()",
}
# The constructor taking an arena (its mangled name ends in the profiler and the flag).
_CONSTRUCTOR = re.compile(r"^_ZN6tflite16MicroInterpreterC[12]EPKNS_5ModelERKNS_15MicroOpResolverEPh")
_CONSTRUCTOR_NAME = "tflite::MicroInterpreter::MicroInterpreter(const Model*, const MicroOpResolver&, uint8_t*, size_t, ...)"
_CMSIS_NN = re.compile(r"^arm_\w*_s8$")
_REGISTER = re.compile(r"^_ZN6tflite\d+Register_(\w+)Ev$")


class LibraryProblem(StrEnum):
    """Why a library (or its headers) was refused; in every message, and kept for tests."""

    NOT_GIVEN = "not given"
    NOT_FOUND = "not found"
    NOT_AN_ARCHIVE = "not an archive"
    NOT_ELF = "member is not an ELF object"
    WRONG_ARCHITECTURE = "wrong architecture"
    WRONG_FLOAT_ABI = "wrong float ABI"
    MISSING_SYMBOLS = "missing interpreter symbols"
    MISSING_HEADERS = "missing headers"
    MISSING_KERNEL = "operator not in the library"


class TflmLibraryError(GeneratorError):
    """The TFLM library or headers cannot be used; the message says why and what to pass."""

    def __init__(self, problem: LibraryProblem, detail: str) -> None:
        self.problem = problem
        self.detail = detail
        super().__init__(f"TFLM library refused ({problem.value}): {detail}")


@dataclass(frozen=True)
class TflmLibrary:
    """A checked TFLM library: what the reports record and the build links."""

    path: Path
    sha256: str
    members: int
    cpu_arch: str  # e.g. "Armv7E-M"
    float_abi: str  # "hard" when every member passes floats in VFP registers
    cmsis_nn: bool  # CMSIS-NN kernels (arm_*_s8 functions) are in it
    cmsis_nn_functions: tuple[str, ...]
    registrations: frozenset[str] = field(repr=False)  # operator names with a Register_<OP>() defined
    defined: frozenset[str] = field(repr=False)  # every global symbol it defines

    @property
    def kernels(self) -> str:
        return "cmsis-nn" if self.cmsis_nn else "reference"

    def defines(self, symbol: str) -> bool:
        return symbol in self.defined

    def identity(self) -> dict[str, object]:
        """What a report records about the library."""
        return {"path": str(self.path), "sha256": self.sha256, "cmsis_nn": self.cmsis_nn,
                "kernels": self.kernels, "members": self.members, "cpu_arch": self.cpu_arch,
                "float_abi": self.float_abi}


@dataclass(frozen=True)
class TflmSetup:
    """The library and the header folders its runner compiles against."""

    library: TflmLibrary
    include_dirs: tuple[Path, ...]


# -- archive -----------------------------------------------------------------------------------

def _ar_members(data: bytes, path: Path) -> Iterator[tuple[str, bytes]]:
    """(name, contents) of each object in a System V / GNU `ar` archive (the symbol index and
    the long-name table are read, not returned)."""
    if data.startswith(_THIN_MAGIC):
        raise TflmLibraryError(LibraryProblem.NOT_AN_ARCHIVE,
                               f"{path} is a thin archive (its members stay in other files); "
                               "give a normal archive (ar rcs, not ar rcT)")
    if not data.startswith(_AR_MAGIC):
        start = data[:16]
        what = "an ELF file, not an archive of objects" if start.startswith(_ELF_MAGIC) else (
            "empty" if not data else f"a file starting with {start!r}")
        raise TflmLibraryError(LibraryProblem.NOT_AN_ARCHIVE,
                               f"{path} is {what}; pass the static library libtensorflow-microlite.a "
                               "(an `ar` archive) as --tflm-lib / TFLM_LIB")
    offset, long_names = len(_AR_MAGIC), b""
    while offset + 60 <= len(data):
        header = data[offset:offset + 60]
        if header[58:60] != b"`\n":
            raise TflmLibraryError(LibraryProblem.NOT_AN_ARCHIVE, f"{path}: corrupt archive header at byte {offset}")
        raw_name = header[:16].rstrip(b" ")
        try:
            size = int(header[48:58].strip() or b"0")
        except ValueError:
            raise TflmLibraryError(LibraryProblem.NOT_AN_ARCHIVE, f"{path}: corrupt member size at byte {offset}") from None
        body = data[offset + 60:offset + 60 + size]
        offset += 60 + size + (size & 1)
        if raw_name in (b"/", b"/SYM64/", b"__.SYMDEF", b"__.SYMDEF SORTED"):
            continue  # the symbol index: we read each member's own symbol table instead
        if raw_name == b"//":
            long_names = body
            continue
        if raw_name.startswith(b"#1/"):  # BSD: the name leads the body
            length = int(raw_name[3:])
            name, body = body[:length].rstrip(b"\0").decode(errors="replace"), body[length:]
        elif raw_name.startswith(b"/") and raw_name[1:].isdigit():
            start = int(raw_name[1:])
            end = long_names.find(b"/\n", start)
            name = long_names[start:end if end >= 0 else None].decode(errors="replace")
        else:
            name = raw_name.rstrip(b"/").decode(errors="replace")
        yield name, body


# -- ELF objects ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Object:
    machine: int
    is_32_le: bool
    attributes: dict[int, int] | None  # None: no .ARM.attributes section
    defined: tuple[str, ...]


def _read_object(data: bytes) -> _Object | None:
    """The parts of an ELF object the checks need; None if it is not ELF at all."""
    if not data.startswith(_ELF_MAGIC) or len(data) < 52:
        return None
    is_32_le = data[4] == 1 and data[5] == 1
    endian = "<" if data[5] == 1 else ">"
    machine = struct.unpack_from(endian + "H", data, 18)[0]
    if not is_32_le:
        return _Object(machine, False, None, ())
    shoff, = struct.unpack_from("<I", data, 32)
    shentsize, shnum = struct.unpack_from("<HH", data, 46)
    sections = []
    for i in range(shnum):
        base = shoff + i * shentsize
        if base + 40 > len(data):
            break
        _, sh_type, _, _, sh_offset, sh_size, sh_link, _, _, sh_entsize = struct.unpack_from("<10I", data, base)
        sections.append((sh_type, sh_offset, sh_size, sh_link, sh_entsize))
    attributes: dict[int, int] | None = None
    defined: list[str] = []
    for sh_type, sh_offset, sh_size, sh_link, sh_entsize in sections:
        body = data[sh_offset:sh_offset + sh_size]
        if sh_type == _SHT_ARM_ATTRIBUTES:
            attributes = {**(attributes or {}), **parse_arm_attributes(body)}
        elif sh_type == _SHT_SYMTAB and sh_link < len(sections):
            _, str_offset, str_size, _, _ = sections[sh_link]
            strings = data[str_offset:str_offset + str_size]
            for pos in range(0, len(body) - 15, sh_entsize or 16):
                st_name, _, _, st_info, _, st_shndx = struct.unpack_from("<IIIBBH", body, pos)
                if st_info >> 4 in (_STB_GLOBAL, _STB_WEAK) and st_shndx != _SHN_UNDEF:
                    end = strings.find(b"\0", st_name)
                    defined.append(strings[st_name:end].decode(errors="replace"))
    return _Object(machine, True, attributes, tuple(defined))


def _uleb128(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while pos < len(data):
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            break
    return value, pos


def parse_arm_attributes(section: bytes) -> dict[int, int]:
    """Numeric file-scope attributes of the "aeabi" vendor subsection of a .ARM.attributes
    section: {tag: value}. String-valued tags are skipped."""
    found: dict[int, int] = {}
    if not section or section[0] != ord("A"):
        return found
    pos = 1
    while pos + 4 <= len(section):
        length, = struct.unpack_from("<I", section, pos)
        if length < 5:
            break
        end = min(pos + length, len(section))
        name_end = section.find(b"\0", pos + 4, end)
        vendor = section[pos + 4:name_end]
        inner = name_end + 1
        while vendor == b"aeabi" and inner + 5 <= end:
            tag = section[inner]
            size, = struct.unpack_from("<I", section, inner + 1)
            if size < 5:
                break
            stop = min(inner + size, end)
            if tag == 1:  # Tag_File: attributes for the whole object
                at = inner + 5
                while at < stop:
                    number, at = _uleb128(section, at)
                    if number in _STRING_TAGS or (number > 32 and number % 2 == 1):
                        at = section.find(b"\0", at, stop) + 1 or stop
                    elif number == 32:  # Tag_compatibility: a flag, then a vendor name
                        _, at = _uleb128(section, at)
                        at = section.find(b"\0", at, stop) + 1 or stop
                    else:
                        value, at = _uleb128(section, at)
                        found[number] = value
            inner = stop
        pos = end
    return found


# -- the checks ----------------------------------------------------------------------------------

_REBUILD = ("rebuild TFLM for the Cortex-M4 with FPU and the hard-float ABI "
            "(-mcpu=cortex-m4 -mfpu=fpv4-sp-d16 -mfloat-abi=hard -mthumb)")


def check_library(path: Path | str) -> TflmLibrary:
    """Read and check a libtensorflow-microlite.a; raise TflmLibraryError naming the first problem."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise TflmLibraryError(LibraryProblem.NOT_FOUND,
                               f"{path} does not exist or is not a file; pass your libtensorflow-microlite.a")
    data = path.read_bytes()
    members = list(_ar_members(data, path))
    if not members:
        raise TflmLibraryError(LibraryProblem.NOT_AN_ARCHIVE, f"{path} is an archive without any objects")
    defined: set[str] = set()
    archs: set[int] = set()
    with_attributes = 0
    for name, body in members:
        obj = _read_object(body)
        if obj is None:
            raise TflmLibraryError(LibraryProblem.NOT_ELF, f"{path}: member {name} is not an ELF object file")
        if obj.machine != _EM_ARM or not obj.is_32_le:
            machine = _ELF_MACHINES.get(obj.machine, f"ELF machine {obj.machine}")
            raise TflmLibraryError(LibraryProblem.WRONG_ARCHITECTURE,
                                   f"{path}: member {name} is built for {machine}, not 32-bit little-endian ARM; {_REBUILD}")
        if obj.attributes is not None:
            with_attributes += 1
            arch = obj.attributes.get(TAG_CPU_ARCH)
            if arch is not None:
                archs.add(arch)
                if arch != CPU_ARCH_V7EM:
                    raise TflmLibraryError(
                        LibraryProblem.WRONG_ARCHITECTURE,
                        f"{path}: member {name} has Tag_CPU_arch {_CPU_ARCH_NAMES.get(arch, arch)}, the nRF52840's "
                        f"Cortex-M4F is Armv7E-M; {_REBUILD}")
            vfp_args = obj.attributes.get(TAG_ABI_VFP_ARGS, 0)
            if vfp_args != 1:
                raise TflmLibraryError(
                    LibraryProblem.WRONG_FLOAT_ABI,
                    f"{path}: member {name} has Tag_ABI_VFP_args {_VFP_ARGS_NAMES.get(vfp_args, vfp_args)}; the "
                    f"firmware passes floats in VFP registers (-mfloat-abi=hard), and the two cannot link; {_REBUILD}")
        defined.update(obj.defined)
    if with_attributes == 0:
        raise TflmLibraryError(LibraryProblem.WRONG_ARCHITECTURE,
                               f"{path}: no member carries ARM build attributes, so its CPU and float ABI are unknown; {_REBUILD}")
    missing = [pretty for symbol, pretty in REQUIRED_SYMBOLS.items() if symbol not in defined]
    if not any(_CONSTRUCTOR.match(symbol) for symbol in defined):
        missing.append(_CONSTRUCTOR_NAME)
    if missing:
        raise TflmLibraryError(LibraryProblem.MISSING_SYMBOLS,
                               f"{path} does not define {', '.join(missing)}: it is not a complete TFLM build "
                               "(libtensorflow-microlite.a from TFLM's own Makefile holds them)")
    cmsis = tuple(sorted(s for s in defined if _CMSIS_NN.match(s)))
    registrations = frozenset(m.group(1) for s in defined if (m := _REGISTER.match(s)))
    return TflmLibrary(
        path=path.resolve(), sha256=hashlib.sha256(data).hexdigest(), members=len(members),
        cpu_arch=", ".join(_CPU_ARCH_NAMES.get(a, str(a)) for a in sorted(archs)) or "unknown",
        float_abi="hard", cmsis_nn=bool(cmsis), cmsis_nn_functions=cmsis,
        registrations=registrations, defined=frozenset(defined),
    )


# Headers the runner includes, and the third-party folder each one lives under in TFLM's tree.
_HEADERS = {
    "tensorflow/lite/micro/micro_interpreter.h": "the tflite-micro source root",
    "tensorflow/lite/micro/micro_mutable_op_resolver.h": "the tflite-micro source root",
    "flatbuffers/flatbuffers.h": "flatbuffers' include/ (tensorflow/lite/micro/tools/make/downloads/flatbuffers/include)",
    "fixedpoint/fixedpoint.h": "gemmlowp (tensorflow/lite/micro/tools/make/downloads/gemmlowp)",
}


def check_includes(include_dirs: Sequence[Path | str]) -> tuple[Path, ...]:
    """The include folders as absolute paths; raise naming each header none of them holds."""
    dirs = tuple(Path(d).expanduser().resolve() for d in include_dirs)
    for folder in dirs:
        if not folder.is_dir():
            raise TflmLibraryError(LibraryProblem.MISSING_HEADERS, f"include folder {folder} does not exist")
    missing = [f"{header} (in {where})" for header, where in _HEADERS.items()
               if not any((folder / header).is_file() for folder in dirs)]
    if missing:
        given = ", ".join(str(d) for d in dirs) or "none"
        raise TflmLibraryError(
            LibraryProblem.MISSING_HEADERS,
            f"no --tflm-include folder holds {'; '.join(missing)} (given: {given}); pass the TFLM source "
            "root and its third-party header folders, e.g. TFLM_INCLUDE=ROOT:ROOT/tensorflow/lite/micro/tools/"
            "make/downloads/flatbuffers/include:ROOT/tensorflow/lite/micro/tools/make/downloads/gemmlowp")
    return dirs


def resolve_setup(library: Path | str | None, include_dirs: Sequence[Path | str] = ()) -> TflmSetup:
    """The library and includes given, else $TFLM_LIB and $TFLM_INCLUDE (colon-separated); checked."""
    library = library or os.environ.get(LIB_ENV) or None
    if not include_dirs:
        include_dirs = [p for p in os.environ.get(INCLUDE_ENV, "").split(os.pathsep) if p]
    if library is None:
        raise TflmLibraryError(
            LibraryProblem.NOT_GIVEN,
            "the tflm runtime needs your TFLM library: pass --tflm-lib path/to/libtensorflow-microlite.a and "
            "--tflm-include DIR (repeat it for the TFLM source root and its third-party headers), "
            f"or set {LIB_ENV} and {INCLUDE_ENV} (a colon-separated list)")
    checked = check_library(library)
    return TflmSetup(checked, check_includes(include_dirs))
