"""The cross toolchain: CMake over firmware/ with arm-none-eabi-gcc, run so an interruption ends it all."""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

from tflm_bench.board import Board

from .. import mlperf
from ..errors import FirmwareBuildError, ModelTooLargeError, ToolchainMissingError
from ..model import Model
from ..options import Protocol, Target
from ..targets import target_layout
from .image import BuildConfig

TOOLCHAIN_FILE = "cmake/arm-none-eabi.cmake"
FACTS_HEADER = "tb_board_facts.h"  # the RAM bounds and core clock for the C, beside it
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


def toolchain_version() -> str:
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


def cmake(
    source: Path, cmake_dir: Path, definitions: list[str], target: str | None = None, board: Board | None = None
) -> None:
    """Configure and build `source` into `cmake_dir`; with `board`, a region overflow is ModelTooLargeError."""
    configure = [
        "cmake", "-S", str(source), "-B", str(cmake_dir), "-G", "Unix Makefiles",
        f"-DCMAKE_TOOLCHAIN_FILE={source / TOOLCHAIN_FILE}", "-DCMAKE_BUILD_TYPE=Release", *definitions,
    ]
    build = ["cmake", "--build", str(cmake_dir), "--parallel", "2", *(["--target", target] if target else [])]
    for command in (configure, build):
        result = run_group(command)
        if result.returncode != 0:
            log = result.stdout + result.stderr
            if board is not None:
                _raise_for_overflow(log, board)
            tail = "\n".join(log.strip().splitlines()[-25:])
            raise FirmwareBuildError(f"firmware build failed ({' '.join(command[:3])} ...):\n{tail}")


def run_group(command: list[str]) -> subprocess.CompletedProcess[str]:
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


def write_memory_script(board: Board, folder: Path) -> Path:
    """The linker's MEMORY block for `board`, as the tb_memory.ld the firmware's script INCLUDEs,
    and beside it tb_board_facts.h: the RAM bounds and the core clock as C constants.

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
    (folder / FACTS_HEADER).write_text(
        f"/* From {board.platform}. */\n"
        "#ifndef TB_BOARD_FACTS_H\n#define TB_BOARD_FACTS_H\n"
        f"#define TB_RAM_START 0x{board.ram.base:08x}u\n"
        f"#define TB_RAM_END 0x{board.ram.end:08x}u\n"
        f"#define TB_CORE_CLOCK_HZ {board.clock_hz}u\n"
        "#endif\n"
    )
    return path


def shell_definitions(config: BuildConfig, model: Model) -> list[str]:
    """CMake entries choosing the shell (the bench protocol's or MLPerf Tiny's) and the target."""
    if Protocol(config.protocol) is Protocol.MLPERF:
        protocol = mlperf.cmake_definitions(model, config.mlperf_model)
    else:
        protocol = ["-DTB_PROTOCOL=bench"]
    return [*protocol, f"-DTB_TARGET_DEFINITION={target_layout(Target(config.target)).c_definition}"]


SHELL_OBJECTS_LIST = "shell_objects.txt"  # written by firmware/CMakeLists.txt's TB_SHELL_ONLY build


def shell_objects(build_root: Path, board: Board, firmware: Path, target: Target) -> list[Path]:
    """The bench protocol's shell and platform compiled once (they do not depend on the model) for
    these firmware sources, toolchain, board (as the linker sees it) and target, under
    build_root/shell/<key>; every model's image links them (TB_SHELL_OBJECTS)."""
    from .cache import digest_files, locked, named

    found = [p for pattern in ("*.c", "*.cc", "*.h", "*.ld", "*.txt", "*.cmake", "*.S") for p in firmware.rglob(pattern)]
    layout = target_layout(Target(target)).c_definition
    extra = "\n".join(("shell", toolchain_version(), layout, str(board.platform),
                       f"{board.flash.base:x}+{board.flash.size:x} {board.ram.base:x}+{board.ram.size:x} {board.clock_hz}"))
    directory = build_root / "shell" / digest_files(named(firmware, "firmware", found), extra)
    listing = directory / "cmake" / SHELL_OBJECTS_LIST
    with locked(directory):
        objects = _listed_objects(listing)
        if objects is None:
            memory_dir = write_memory_script(board, directory / "memory").parent
            cmake(firmware, directory / "cmake", ["-DTB_SHELL_ONLY=ON", "-DTB_PROTOCOL=bench",
                                                  f"-DTB_MEMORY_DIR={memory_dir}", f"-DTB_TARGET_DEFINITION={layout}"],
                  target="tb_shell")
            objects = _listed_objects(listing)
        if objects is None:
            raise FirmwareBuildError(f"the shell build finished but {listing} does not list its objects")
    return objects


def _listed_objects(listing: Path) -> list[Path] | None:
    """The objects `listing` names, when it exists and they all do."""
    if not listing.is_file():
        return None
    objects = [Path(line) for line in listing.read_text().splitlines() if line.strip()]
    return objects if objects and all(p.is_file() for p in objects) else None


def compile_firmware(
    runtime_sources: list[Path], build_dir: Path, board: Board, firmware: Path, definitions: list[str]
) -> Path:
    """Build firmware/ with the given runtime sources into build_dir/cmake; the ELF's path.

    `definitions`: the runtime's CMake entries (what it links) and the shell's (shell_definitions;
    without TB_PROTOCOL the bench protocol). `board` is the board as the linker sees it
    (link_board(board, target) for a target with a bootloader before the image).
    """
    cmake_dir = build_dir / "cmake"
    memory_dir = write_memory_script(board, build_dir / "memory").parent
    cmake(firmware, cmake_dir, [
        "-DTB_RUNTIME_SOURCES=" + ";".join(str(p.resolve()) for p in runtime_sources),
        f"-DTB_MEMORY_DIR={memory_dir}",
        *definitions,
    ], board=board)
    elf = cmake_dir / "firmware.elf"
    if not elf.exists():
        raise FirmwareBuildError(f"the build finished but produced no {elf}")
    return elf
