"""What a firmware build is asked for and what it gives: the configuration, the image, its memory use.

Also the two fit checks: before compiling (constants and arena alone) and after (the linked image).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile

from tflm_bench.board import Board, load_board

from ..errors import ModelTooLargeError
from ..mlperf import MlperfModel
from ..model import Model
from ..options import KernelSet, Optimize, Protocol, Runtime, Target
from ..planner import ArenaPlan
from ..tflm_library import TflmLibrary, TflmSetup


@dataclass(frozen=True)
class BuildConfig:
    """Everything a firmware build depends on besides the sources of this package."""

    model: Path
    build_dir: Path  # the cache root; each build lands in build_dir/firmware/<key>
    kernels: KernelSet = KernelSet.default()
    board: Board = field(default_factory=load_board)
    firmware: Path | None = None  # another firmware/ tree than the installed one
    runtime: Runtime = Runtime.default()
    tflm: TflmSetup | None = None  # the user's checked TFLM library and headers (runtime tflm)
    arena_bytes: int | None = None  # runtime tflm: the arena to give; None: a large probe arena
    optimize: Optimize = Optimize.default()  # weight layouts: speed, size or balanced (layout.py)
    protocol: Protocol = Protocol.default()  # what the firmware speaks on uart0
    target: Target = Target.default()  # emulator image, or one linked for a real Nano 33 BLE
    mlperf_model: MlperfModel | None = None  # protocol mlperf: the runner's model name; None: guessed (mlperf.py)


@dataclass(frozen=True)
class MemoryUse:
    """Bytes of the board's flash and RAM the image takes (RAM includes stack and arena)."""

    flash_bytes: int
    ram_bytes: int
    arena_bytes: int
    flash_limit: int
    ram_limit: int


@dataclass(frozen=True)
class LayerInfo:
    index: int
    operator_index: int
    op_name: str
    macs: int  # multiply-accumulates per inference, 0 for ops without any
    flash_bytes: int = 0  # the layer's constants in flash, in the layout chosen
    weight_layout: str = ""  # "int16" (expanded for the DSP kernel), "int8", or "" (no weights)


@dataclass(frozen=True)
class FirmwareImage:
    elf: Path
    build_dir: Path
    model_sha256: str
    build_id: int
    memory: MemoryUse
    layers: tuple[LayerInfo, ...]
    reused: bool
    kernels: KernelSet
    board: Board
    toolchain: str  # the first line of `arm-none-eabi-gcc --version`
    runtime: Runtime = Runtime.GENERATED
    tflm_library: TflmLibrary | None = None  # runtime tflm: the library linked
    plan: ArenaPlan | None = field(default=None, compare=False, repr=False)  # generated runtime: the arena plan
    optimize: Optimize = Optimize.default()


def measure_memory(elf: Path, arena_bytes: int, board: Board) -> MemoryUse:
    """Flash = everything loaded into flash (incl. the .data image); RAM = .data + .bss + stack."""
    flash = ram = 0
    with elf.open("rb") as handle:
        image = ELFFile(handle)
        for section in image.iter_sections():
            if not section["sh_flags"] & SH_FLAGS.SHF_ALLOC or section["sh_size"] == 0:
                continue
            address, size = section["sh_addr"], section["sh_size"]
            if board.ram.contains(address):
                ram += size
                if section["sh_type"] != "SHT_NOBITS":
                    flash += size  # initialised data is copied from flash at reset
            elif board.flash.contains(address):
                flash += size
    return MemoryUse(flash, ram, arena_bytes, board.flash.size, board.ram.size)


def check_fits(memory: MemoryUse) -> None:
    problems = []
    if memory.flash_bytes > memory.flash_limit:
        problems.append(f"flash {memory.flash_bytes} bytes > {memory.flash_limit}")
    if memory.ram_bytes > memory.ram_limit:
        problems.append(f"RAM {memory.ram_bytes} bytes (arena {memory.arena_bytes}) > {memory.ram_limit}")
    if problems:
        error = ModelTooLargeError(
            "the model does not fit the nRF52840: " + "; ".join(problems)
            + ". Use a smaller model or fewer/narrower layers."
        )
        error.flash_overflow = max(0, memory.flash_bytes - memory.flash_limit)
        raise error


def check_estimate(model: Model, arena_bytes: int, board: Board) -> None:
    """Fail before compiling when the constants alone or the arena cannot fit."""
    constant_bytes = sum(t.data.nbytes for t in model.tensors if t.data is not None)
    if constant_bytes > board.flash.size:
        raise ModelTooLargeError(
            f"the model's constant tensors take {constant_bytes} bytes, more than the "
            f"{board.flash.size} bytes of flash. Use a smaller model."
        )
    if arena_bytes > board.ram.size:
        raise ModelTooLargeError(
            f"the planned activation arena takes {arena_bytes} bytes, more than the "
            f"{board.ram.size} bytes of RAM. Use smaller activations (input size, channels)."
        )
