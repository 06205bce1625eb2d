"""Build firmware for a model: generate C, compile with CMake and arm-none-eabi-gcc, check sizes.

Builds land in a directory keyed by the hashes of the model, the firmware and generator sources
and the toolchain version, so an unchanged model is never rebuilt.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import signal
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path

from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile

from tflm_bench.emulation.board import Board, load_board

from ..codegen import generate_c
from ..errors import FirmwareBuildError, ModelTooLargeError, ToolchainMissingError
from ..model import Model
from .. import layout
from .. import mlperf
from ..mlperf import MlperfModel
from ..options import KernelSet, Optimize, Protocol, Runtime, Target
from ..ops.registry import scratch_requests
from ..tflm_library import TflmLibrary, TflmSetup
from ..planner import ArenaPlan, plan_arena
from ..targets import link_board, target_layout
from ..tflite_reader import read_tflite
from ..validate import validate

TOOLCHAIN_FILE = "cmake/arm-none-eabi.cmake"
MEMORY_SCRIPT = "tb_memory.ld"  # INCLUDEd by firmware/platform/nrf52840.ld


def firmware_dir(override: Path | None = None) -> Path:
    """firmware/ beside the generator: the checkout's folder, or the wheel's package data.

    In a checkout generator/ and firmware/ are siblings; in an installed wheel they are
    tflm_bench/generator and tflm_bench/firmware, so one relative path serves both.
    `override` is another tree of the same layout (kernel development, fault injection).
    """
    folder = Path(override).resolve() if override is not None else Path(__file__).resolve().parents[2] / "firmware"
    if not (folder / "CMakeLists.txt").is_file():
        raise FirmwareBuildError(
            f"the firmware sources are missing (no {folder / 'CMakeLists.txt'}); the tflm-bench "
            "installation is incomplete: reinstall it from a wheel or a checkout"
        )
    return folder


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


def _named(folder: Path, label: str, paths: list[Path]) -> list[tuple[str, Path]]:
    """Files keyed by a name independent of where the tree lies (checkout, wheel, a copy)."""
    return sorted({(f"{label}/{p.relative_to(folder)}", p) for p in paths})


def _source_files(firmware: Path) -> list[tuple[str, Path]]:
    """Everything that shapes the image: firmware sources, the generator and its templates."""
    files: list[tuple[str, Path]] = []
    for folder, label, patterns in (
        (firmware, "firmware", ("*.c", "*.cc", "*.h", "*.ld", "*.txt", "*.cmake", "*.S")),
        (Path(__file__).parents[1], "generator", ("*.py", "*.j2")),
    ):
        found = [p for pattern in patterns for p in folder.rglob(pattern) if "__pycache__" not in p.parts]
        files += _named(folder, label, found)
    return sorted(set(files))


def _toolchain_version() -> str:
    gcc = shutil.which("arm-none-eabi-gcc")
    if gcc is None:
        raise ToolchainMissingError(
            "arm-none-eabi-gcc is not on PATH; run scripts/setup.sh as root, or "
            "apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi"
        )
    if shutil.which("cmake") is None:
        raise ToolchainMissingError("cmake is not on PATH; run scripts/setup.sh as root, or apt-get install cmake")
    out = subprocess.run([gcc, "--version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0]


def build_key(config: BuildConfig, model_bytes: bytes) -> str:
    firmware = firmware_dir(config.firmware)
    board = config.board
    extra = "\n".join((
        config.kernels.value, Optimize(config.optimize).value, Protocol(config.protocol).value, Target(config.target).value,
        str(config.mlperf_model or ""),
        hashlib.sha256(model_bytes).hexdigest(), _toolchain_version(),
        f"{board.flash.base:x}+{board.flash.size:x} {board.ram.base:x}+{board.ram.size:x}",
    ))
    return _digest_files(_source_files(firmware), extra)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialize builds of one folder across processes (parallel test runs share a cache).

    The lock file is removed by its holder on release, so none is left behind, even by an
    interrupted run (the kernel drops a dead process's flock). A waiter that wakes on a file
    already unlinked tries again on the current one.
    """
    directory.parent.mkdir(parents=True, exist_ok=True)
    path = directory.with_name(directory.name + ".lock")
    while True:
        handle = open(path, "a")
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            if os.path.samestat(os.fstat(handle.fileno()), os.stat(path)):
                break
        except FileNotFoundError:
            pass
        handle.close()
    try:
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        handle.close()


def _digest_files(files: list[tuple[str, Path]], extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for name, path in files:
        digest.update(name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def kernel_library(build_root: Path, firmware: Path) -> Path:
    """The kernels compiled once into libtb_kernels.a, keyed by their sources and the toolchain."""
    sources = sorted(
        p for p in (firmware / "kernels").rglob("*") if p.suffix in (".c", ".h")
    ) + [firmware / "CMakeLists.txt", firmware / TOOLCHAIN_FILE]
    key = _digest_files(_named(firmware, "firmware", sources), _toolchain_version())
    directory = build_root / "kernels" / key
    library = directory / "cmake" / "libtb_kernels.a"
    with _locked(directory):
        if not library.exists():
            _cmake(firmware, directory / "cmake", ["-DTB_KERNELS_ONLY=ON"], target="tb_kernels")
        if not library.exists():
            raise FirmwareBuildError(f"the kernel build finished but produced no {library}")
    return library


def _cmake(
    source: Path, cmake_dir: Path, definitions: list[str], target: str | None = None, board: Board | None = None
) -> None:
    configure = [
        "cmake", "-S", str(source), "-B", str(cmake_dir), "-G", "Unix Makefiles",
        f"-DCMAKE_TOOLCHAIN_FILE={source / TOOLCHAIN_FILE}", "-DCMAKE_BUILD_TYPE=Release", *definitions,
    ]
    build = ["cmake", "--build", str(cmake_dir), "--parallel", "2", *(["--target", target] if target else [])]
    for command in (configure, build):
        result = _run_group(command)
        if result.returncode != 0:
            log = result.stdout + result.stderr
            if board is not None:
                _raise_for_overflow(log, board)
            tail = "\n".join(log.strip().splitlines()[-25:])
            raise FirmwareBuildError(f"firmware build failed ({' '.join(command[:3])} ...):\n{tail}")


def write_memory_script(board: Board, folder: Path) -> Path:
    """The linker's MEMORY block for `board`, as the tb_memory.ld the firmware's script INCLUDEs.

    For an image after a bootloader pass link_board(board, target): FLASH then starts there.
    """
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / MEMORY_SCRIPT
    path.write_text(
        f"/* From {board.platform}. */\n"
        "MEMORY\n{\n"
        f"    FLASH (rx)  : ORIGIN = 0x{board.flash.base:08x}, LENGTH = 0x{board.flash.size:x}\n"
        f"    RAM   (rwx) : ORIGIN = 0x{board.ram.base:08x}, LENGTH = 0x{board.ram.size:x}\n"
        "}\n"
    )
    return path


def _run_group(command: list[str]) -> subprocess.CompletedProcess[str]:
    """Run `command` in its own process group; on any interruption end the whole group.

    CMake starts make, which starts the compilers: a SIGTERM to the bench alone would leave
    them running, so the group is ended (a terminal's Ctrl-C reaches it anyway).
    """
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        stdout, stderr = process.communicate()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def protocol_definitions(config: BuildConfig, model: Model) -> list[str]:
    """CMake cache entries choosing the shell: the bench protocol's, or MLPerf Tiny's."""
    if Protocol(config.protocol) is Protocol.MLPERF:
        return mlperf.cmake_definitions(model, config.mlperf_model)
    return ["-DTB_PROTOCOL=bench"]


def target_definitions(target: Target | str) -> list[str]:
    """CMake definitions for `target`: the firmware sources see its TB_TARGET_... macro."""
    return [f"-DTB_TARGET_DEFINITION={target_layout(target).c_definition}"]


def compile_firmware(
    runtime_sources: list[Path], build_dir: Path, kernels: Path, board: Board, firmware: Path,
    shell: list[str] | None = None,
    target: Target | str = Target.default(),
) -> Path:
    """Build firmware/ with the given runtime sources, linking the prebuilt kernel library.

    `shell`: the protocol's CMake entries (protocol_definitions); None: the bench protocol.
    `board` is the board as the linker sees it (link_board(board, target) for a target with
    a bootloader before the image).
    """
    cmake_dir = build_dir / "cmake"
    memory_dir = write_memory_script(board, build_dir / "memory").parent
    _cmake(firmware, cmake_dir, [
        "-DTB_RUNTIME_SOURCES=" + ";".join(str(p.resolve()) for p in runtime_sources),
        f"-DTB_KERNEL_LIBRARY={kernels}",
        f"-DTB_MEMORY_DIR={memory_dir}",
        *(shell if shell is not None else ["-DTB_PROTOCOL=bench"]),
        *target_definitions(target),
    ], board=board)
    elf = cmake_dir / "firmware.elf"
    if not elf.exists():
        raise FirmwareBuildError(f"the build finished but produced no {elf}")
    return elf


def _raise_for_overflow(log: str, board: Board) -> None:
    match = re.search(r"region [`'](\w+)' overflowed by (\d+) bytes", log)
    if match:
        region, over = match.group(1), int(match.group(2))
        limit = board.flash.size if region.upper().startswith("FLASH") else board.ram.size
        error = ModelTooLargeError(
            f"the firmware does not fit: region {region} overflowed by {over} bytes "
            f"(limit {limit} bytes). Use a smaller model or quantize more of it."
        )
        error.flash_overflow = over if region.upper().startswith("FLASH") else 0
        raise error


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


def _check_fits(memory: MemoryUse) -> None:
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


def _estimate_before_build(model: Model, arena_bytes: int, board: Board) -> None:
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


def build_firmware(config: BuildConfig) -> FirmwareImage:
    """Generate, compile and size-check the firmware for one .tflite; reuse an identical build.

    The generator's one public entry: read, validate, plan, render C, compile, measure.
    With runtime tflm the firmware runs the user's TFLM library instead (tflm_runtime.py).
    """
    if Runtime(config.runtime) is Runtime.TFLM:
        from .tflm import build_tflm_firmware

        return build_tflm_firmware(config)
    build_root = Path(config.build_dir).resolve()
    model_bytes = Path(config.model).read_bytes()
    model = read_tflite(model_bytes)
    validate(model)
    board = link_board(config.board, config.target)  # FLASH as the image may use it
    plan = plan_arena(model, scratch=scratch_requests(model, config.kernels))
    _estimate_before_build(model, plan.arena_bytes, board)

    build_dir = build_root / "firmware" / build_key(config, model_bytes)
    manifest = build_dir / "manifest.json"
    optimize = Optimize(config.optimize)
    flash = layout.layer_flash(model, plan, config.kernels)
    constant_bytes = sum(t.data.nbytes for t in model.tensors if t.data is not None)
    sha = hashlib.sha256(model_bytes).hexdigest()
    build_id = int.from_bytes(bytes.fromhex(sha)[:4], "little")
    firmware = firmware_dir(config.firmware)
    library = kernel_library(build_root, firmware)
    image = partial(FirmwareImage, build_dir=build_dir, model_sha256=sha, build_id=build_id,
                    kernels=config.kernels, board=config.board, toolchain=_toolchain_version(), plan=plan, optimize=optimize)
    with _locked(build_dir):
        if manifest.exists():
            data = json.loads(manifest.read_text())
            elf = Path(data["elf"])
            if elf.exists():
                chosen = layout.with_choice(flash, frozenset(data.get("int8_layout", ())))
                return image(elf=elf, memory=MemoryUse(**data["memory"]), reused=True,
                             layers=_layer_infos(model, chosen))

        shell = protocol_definitions(config, model)
        generated = build_dir / "generated"
        generated.mkdir(parents=True, exist_ok=True)
        int8_layout = layout.choose(flash, optimize, constant_bytes)
        while True:
            sources = generate_c(model, plan, generated, config.kernels, int8_layout)
            try:
                elf = compile_firmware(sources, build_dir, library, board, firmware, shell, config.target)
                memory = measure_memory(elf, plan.arena_bytes, board)
                _check_fits(memory)
                break
            except ModelTooLargeError as error:
                # Fall back per layer to the int8 layout, least gain per byte first, and retry.
                overflow = error.flash_overflow
                fewer = layout.shrink(flash, int8_layout, overflow) if overflow else int8_layout
                if fewer == int8_layout:
                    raise
                int8_layout = fewer
        # Written last and atomically: a build interrupted before this line is redone, not reused.
        temporary = manifest.with_suffix(".tmp")
        temporary.write_text(json.dumps({"elf": str(elf), "model_sha256": sha, "memory": asdict(memory),
                                         "int8_layout": sorted(int8_layout)}, indent=2))
        os.replace(temporary, manifest)
        return image(elf=elf, memory=memory, reused=False,
                     layers=_layer_infos(model, layout.with_choice(flash, int8_layout)))


def _layer_infos(model: Model, flash: list[layout.LayerFlash]) -> tuple[LayerInfo, ...]:
    infos = []
    for i, (op, lf) in enumerate(zip(model.operators, flash)):
        kind = "int16" if lf.expanded else ("int8" if lf.extra_bytes > 0 or op.name in _WEIGHTED else "")
        infos.append(LayerInfo(index=i, operator_index=op.index, op_name=op.name, macs=lf.macs,
                               flash_bytes=lf.flash_bytes, weight_layout=kind))
    return tuple(infos)


_WEIGHTED = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED")
