"""Build firmware for a model: generate C, compile with CMake and arm-none-eabi-gcc, check sizes.

Builds land in a directory keyed by the hashes of the model, the firmware and generator sources
and the toolchain version, so an unchanged model is never rebuilt.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile

from .codegen import generate_c
from .errors import FirmwareBuildError, ModelTooLargeError
from .ops.registry import handlers, scratch_requests
from .planner import plan_arena
from .tflite_reader import read_tflite
from .validate import validate

FLASH_BASE, FLASH_LIMIT = 0x00000000, 1024 * 1024
RAM_BASE, RAM_LIMIT = 0x20000000, 256 * 1024
TOOLCHAIN_FILE = "cmake/arm-none-eabi.cmake"


@dataclass(frozen=True)
class MemoryUse:
    """Bytes of the nRF52840's flash and RAM the image takes (RAM includes stack and arena)."""

    flash_bytes: int
    ram_bytes: int
    arena_bytes: int
    flash_limit: int = FLASH_LIMIT
    ram_limit: int = RAM_LIMIT


@dataclass(frozen=True)
class LayerInfo:
    index: int
    operator_index: int
    op_name: str
    macs: int  # multiply-accumulates per inference, 0 for ops without any


@dataclass(frozen=True)
class FirmwareImage:
    elf: Path
    build_dir: Path
    model_sha256: str
    build_id: int
    memory: MemoryUse
    layers: tuple[LayerInfo, ...]
    reused: bool


def _source_files(root: Path) -> list[Path]:
    """Everything that shapes the image: firmware sources, the generator and its templates."""
    files: list[Path] = []
    for folder, patterns in (
        (root / "firmware", ("*.c", "*.h", "*.ld", "*.txt", "*.cmake", "*.S")),
        (Path(__file__).parent, ("*.py", "*.j2")),
    ):
        for pattern in patterns:
            files.extend(p for p in folder.rglob(pattern) if "__pycache__" not in p.parts)
    return sorted(set(files))


def _toolchain_version() -> str:
    gcc = shutil.which("arm-none-eabi-gcc")
    if gcc is None:
        raise FirmwareBuildError(
            "arm-none-eabi-gcc is not on PATH; run scripts/setup.sh as root, or "
            "apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi"
        )
    if shutil.which("cmake") is None:
        raise FirmwareBuildError("cmake is not on PATH; run scripts/setup.sh as root, or apt-get install cmake")
    out = subprocess.run([gcc, "--version"], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[0]


def build_key(project_root: Path, model_bytes: bytes, kernels: str = "reference") -> str:
    extra = f"{kernels}\n{hashlib.sha256(model_bytes).hexdigest()}\n{_toolchain_version()}"
    return _digest_files(_source_files(project_root), project_root, extra)


@contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialize builds of one folder across processes (parallel test runs share build/)."""
    directory.parent.mkdir(parents=True, exist_ok=True)
    with open(directory.with_name(directory.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _digest_files(paths: list[Path], root: Path, extra: str) -> str:
    digest = hashlib.sha256(extra.encode())
    for path in paths:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def kernel_library(project_root: Path, build_root: Path) -> Path:
    """The kernels compiled once into libtb_kernels.a, keyed by their sources and the toolchain."""
    firmware = project_root / "firmware"
    sources = sorted(
        p for p in (firmware / "kernels").rglob("*") if p.suffix in (".c", ".h")
    ) + [firmware / "CMakeLists.txt", firmware / TOOLCHAIN_FILE]
    key = _digest_files(sources, project_root, _toolchain_version())
    directory = build_root / "kernels" / key
    library = directory / "cmake" / "libtb_kernels.a"
    with _locked(directory):
        if not library.exists():
            _cmake(firmware, directory / "cmake", ["-DTB_KERNELS_ONLY=ON"], target="tb_kernels")
        if not library.exists():
            raise FirmwareBuildError(f"the kernel build finished but produced no {library}")
    return library


def _cmake(source: Path, cmake_dir: Path, definitions: list[str], target: str | None = None) -> None:
    configure = [
        "cmake", "-S", str(source), "-B", str(cmake_dir), "-G", "Unix Makefiles",
        f"-DCMAKE_TOOLCHAIN_FILE={source / TOOLCHAIN_FILE}", "-DCMAKE_BUILD_TYPE=Release", *definitions,
    ]
    build = ["cmake", "--build", str(cmake_dir), "--parallel", "2", *(["--target", target] if target else [])]
    for command in (configure, build):
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode != 0:
            log = result.stdout + result.stderr
            _raise_for_overflow(log)
            tail = "\n".join(log.strip().splitlines()[-25:])
            raise FirmwareBuildError(f"firmware build failed ({' '.join(command[:3])} ...):\n{tail}")


def compile_firmware(project_root: Path, runtime_sources: list[Path], build_dir: Path, kernels: Path) -> Path:
    """Build firmware/ with the given runtime sources, linking the prebuilt kernel library."""
    cmake_dir = build_dir / "cmake"
    _cmake(project_root / "firmware", cmake_dir, [
        "-DTB_RUNTIME_SOURCES=" + ";".join(str(p.resolve()) for p in runtime_sources),
        f"-DTB_KERNEL_LIBRARY={kernels}",
    ])
    elf = cmake_dir / "firmware.elf"
    if not elf.exists():
        raise FirmwareBuildError(f"the build finished but produced no {elf}")
    return elf


def _raise_for_overflow(log: str) -> None:
    match = re.search(r"region [`'](\w+)' overflowed by (\d+) bytes", log)
    if match:
        region, over = match.group(1), int(match.group(2))
        limit = FLASH_LIMIT if region.upper().startswith("FLASH") else RAM_LIMIT
        raise ModelTooLargeError(
            f"the firmware does not fit: region {region} overflowed by {over} bytes "
            f"(limit {limit} bytes). Use a smaller model or quantize more of it."
        )


def measure_memory(elf: Path, arena_bytes: int) -> MemoryUse:
    """Flash = everything loaded into flash (incl. the .data image); RAM = .data + .bss + stack."""
    flash = ram = 0
    with elf.open("rb") as handle:
        image = ELFFile(handle)
        for section in image.iter_sections():
            if not section["sh_flags"] & SH_FLAGS.SHF_ALLOC or section["sh_size"] == 0:
                continue
            address, size = section["sh_addr"], section["sh_size"]
            if RAM_BASE <= address < RAM_BASE + RAM_LIMIT:
                ram += size
                if section["sh_type"] != "SHT_NOBITS":
                    flash += size  # initialised data is copied from flash at reset
            elif FLASH_BASE <= address < FLASH_BASE + FLASH_LIMIT:
                flash += size
    return MemoryUse(flash_bytes=flash, ram_bytes=ram, arena_bytes=arena_bytes)


def _check_fits(memory: MemoryUse) -> None:
    problems = []
    if memory.flash_bytes > memory.flash_limit:
        problems.append(f"flash {memory.flash_bytes} bytes > {memory.flash_limit}")
    if memory.ram_bytes > memory.ram_limit:
        problems.append(f"RAM {memory.ram_bytes} bytes (arena {memory.arena_bytes}) > {memory.ram_limit}")
    if problems:
        raise ModelTooLargeError(
            "the model does not fit the nRF52840: " + "; ".join(problems)
            + ". Use a smaller model or fewer/narrower layers."
        )


def _estimate_before_build(model, arena_bytes: int) -> None:  # type: ignore[no-untyped-def]
    """Fail before compiling when the constants alone or the arena cannot fit."""
    constant_bytes = sum(t.data.nbytes for t in model.tensors if t.data is not None)
    if constant_bytes > FLASH_LIMIT:
        raise ModelTooLargeError(
            f"the model's constant tensors take {constant_bytes} bytes, more than the "
            f"{FLASH_LIMIT} bytes of flash. Use a smaller model."
        )
    if arena_bytes > RAM_LIMIT:
        raise ModelTooLargeError(
            f"the planned activation arena takes {arena_bytes} bytes, more than the "
            f"{RAM_LIMIT} bytes of RAM. Use smaller activations (input size, channels)."
        )


def build_firmware(
    model_path: Path, project_root: Path, build_root: Path, kernels: str = "reference"
) -> FirmwareImage:
    """Generate, compile and size-check the firmware for one .tflite; reuse an identical build."""
    project_root, build_root = Path(project_root).resolve(), Path(build_root).resolve()
    model_bytes = Path(model_path).read_bytes()
    model = read_tflite(model_bytes)
    validate(model)
    plan = plan_arena(model, scratch=scratch_requests(model, kernels))
    _estimate_before_build(model, plan.arena_bytes)

    build_dir = build_root / "firmware" / build_key(project_root, model_bytes, kernels)
    manifest = build_dir / "manifest.json"
    table = handlers()
    layers = tuple(
        LayerInfo(index=i, operator_index=op.index, op_name=op.name, macs=table[op.name].macs(model, op))
        for i, op in enumerate(model.operators)
    )
    sha = hashlib.sha256(model_bytes).hexdigest()
    build_id = int.from_bytes(bytes.fromhex(sha)[:4], "little")
    library = kernel_library(project_root, build_root)
    with _locked(build_dir):
        if manifest.exists():
            data = json.loads(manifest.read_text())
            elf = Path(data["elf"])
            if elf.exists():
                return FirmwareImage(elf, build_dir, sha, build_id, MemoryUse(**data["memory"]), layers, True)

        generated = build_dir / "generated"
        generated.mkdir(parents=True, exist_ok=True)
        sources = generate_c(model, plan, generated, kernels)
        elf = compile_firmware(project_root, sources, build_dir, library)
        memory = measure_memory(elf, plan.arena_bytes)
        _check_fits(memory)
        manifest.write_text(json.dumps({"elf": str(elf), "model_sha256": sha, "memory": asdict(memory)}, indent=2))
        return FirmwareImage(elf, build_dir, sha, build_id, memory, layers, False)
