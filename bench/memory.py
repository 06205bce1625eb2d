"""Memory use: our firmware's flash and RAM, and TFLM's arena for the same model.

TFLM's numbers come from the installed tflite-micro runtime. Its interpreter is built with
TFLM's RecordingMicroAllocator, whose `print_allocations()` writes the arena split through
MicroPrintf (on the host build: to the C library's stderr):

    [RecordingMicroAllocator] Arena allocation total 1760 bytes
    [RecordingMicroAllocator] Arena allocation head 32 bytes
    [RecordingMicroAllocator] Arena allocation tail 1728 bytes

`head` is the planned (non-persistent) section: activations and kernel scratch buffers laid out
by the GreedyMemoryPlanner, the counterpart of our static arena. `tail` holds TFLM's persistent
bookkeeping (tensor structs, node and registration structs, quantization parameters); our
generated firmware keeps the equivalent as constants in flash. The binding has no accessor for
these numbers, so the text is captured with a file-descriptor-level redirect of stderr and
stdout.
"""
from __future__ import annotations

import ctypes
import os
import re
import sys
import tempfile
from contextlib import contextmanager
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import BenchError

_LINE = re.compile(r"Arena allocation (total|head|tail) (\d+) bytes")


@dataclass(frozen=True)
class TflmArena:
    """TFLM's arena for one model, in bytes, as its RecordingMicroAllocator reports it."""

    head: int  # planned tensors and scratch buffers (the part our static arena replaces)
    tail: int  # persistent runtime structures
    total: int


@dataclass(frozen=True)
class ModelMemory:
    """Ours against TFLM's for one model, in bytes."""

    model: str
    arena: int  # our planned arena
    tflm: TflmArena
    flash: int  # our whole image in flash (code, weights, .data image)
    ram: int  # our RAM: arena + stack + other statics
    stack: int
    statics: int  # RAM besides arena and stack (.data, .bss of the shell and runtime)


@contextmanager
def _captured_output() -> Iterator[list[str]]:
    """Collect what C code writes to file descriptors 1 and 2 while the block runs."""
    libc = ctypes.CDLL(None)
    captured: list[str] = []
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    with tempfile.TemporaryFile(mode="w+b") as sink:
        for fd in saved:
            os.dup2(sink.fileno(), fd)
        try:
            yield captured
        finally:
            libc.fflush(None)  # C stdio buffers when the stream is not a terminal
            sys.stdout.flush()
            sys.stderr.flush()
            for fd, copy in saved.items():
                os.dup2(copy, fd)
                os.close(copy)
            sink.seek(0)
            captured.append(sink.read().decode("utf-8", errors="replace"))


def parse_allocations(text: str) -> TflmArena:
    found = {kind: int(value) for kind, value in _LINE.findall(text)}
    if set(found) != {"total", "head", "tail"}:
        raise BenchError(f"could not read TFLM's arena sizes from print_allocations() output: {text[:300]!r}")
    return TflmArena(head=found["head"], tail=found["tail"], total=found["total"])


def tflm_arena(model_bytes: bytes) -> TflmArena:
    """TFLM's planned (head), persistent (tail) and total arena bytes for `model_bytes`."""
    from tflite_micro.python.tflite_micro import runtime

    from tflm_bench.generator import read_model as read_tflite

    from .oracles import host_arena_bytes

    n_inputs = len(read_tflite(model_bytes).inputs)

    def run(arena_size: int | None):  # type: ignore[no-untyped-def]
        interpreter = runtime.Interpreter.from_bytes(model_bytes, arena_size=arena_size)
        for index in range(n_inputs):
            detail = interpreter.get_input_details(index)
            interpreter.set_input(np.zeros(detail["shape"], dtype=detail["dtype"]), index)
        interpreter.invoke()
        return interpreter

    try:
        try:
            # The binding's default arena first: the figures (the tail's alignment padding) are
            # those it has always reported; a model whose activations dwarf its weights needs more
            # (TFLM's complaint about the small arena is captured, not shown).
            with _captured_output():
                interpreter = run(None)
        except Exception:  # noqa: BLE001
            interpreter = run(host_arena_bytes(model_bytes))
    except Exception as exc:  # noqa: BLE001 - the binding raises plain RuntimeError/ValueError
        raise BenchError(f"TFLM (tflite-micro) could not load and run the model: {exc}") from exc
    with _captured_output() as output:
        interpreter.print_allocations()
    return parse_allocations("".join(output))


def stack_bytes(elf: Path) -> int:
    """Size of the .stack section of a firmware ELF."""
    from elftools.elf.elffile import ELFFile

    with Path(elf).open("rb") as handle:
        section = ELFFile(handle).get_section_by_name(".stack")
        return int(section["sh_size"]) if section is not None else 0


def model_memory(model_path: Path, build_root: Path | None = None) -> ModelMemory:
    """Build (or reuse) the firmware for `model_path` and compare its memory with TFLM's."""
    from tflm_bench.generator import BuildConfig, build_firmware

    from .cache import cache_root

    model_path = Path(model_path)
    image = build_firmware(BuildConfig(model_path, build_root or cache_root()))
    stack = stack_bytes(image.elf)
    m = image.memory
    return ModelMemory(
        model=str(model_path),
        arena=m.arena_bytes,
        tflm=tflm_arena(model_path.read_bytes()),
        flash=m.flash_bytes,
        ram=m.ram_bytes,
        stack=stack,
        statics=m.ram_bytes - m.arena_bytes - stack,
    )
