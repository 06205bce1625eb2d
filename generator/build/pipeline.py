"""Build firmware for a model: one pipeline, the runtime a part of it (part.py).

Steps, each once: intake (read the .tflite, the runtime's checks), key and cache lookup under the
build folder's lock, plan (arena, fit estimate, weight layouts), emit the runtime's sources,
compile with CMake and arm-none-eabi-gcc, measure and check the fit (a runtime may fall back to a
smaller plan and emit again), manifest. Builds land in a folder keyed by the hashes of the model,
the firmware and generator sources and the toolchain version, so an unchanged model is never
rebuilt: a cache hit reads the model and the manifest only.

A runtime that takes its arena from the caller (TFLM's) gets one image per arena inside one
build: `FirmwarePipeline.with_arena` reuses the intake, the key and the compiled objects.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

from ..errors import ModelTooLargeError
from ..options import Protocol, Runtime, Target
from ..targets import link_board
from ..tflite_reader import read_tflite
from .cache import Manifest, digest_files, locked, read_manifest, source_files, write_manifest
from .generated import GeneratedRuntime
from .image import BuildConfig, FirmwareImage, check_estimate, check_fits, measure_memory
from .part import RuntimePart
from .tflm import TflmRuntime
from .toolchain import compile_firmware, firmware_dir, shell_definitions, shell_objects, toolchain_version


def runtime_part(config: BuildConfig) -> RuntimePart[Any]:
    """The part for config.runtime."""
    firmware = firmware_dir(config.firmware)
    if Runtime(config.runtime) is Runtime.TFLM:
        return TflmRuntime(config.tflm, firmware)
    return GeneratedRuntime(config.kernels, config.optimize, firmware)


class FirmwarePipeline:
    """One model's firmware under one configuration; the intake and key are done once, here."""

    def __init__(self, config: BuildConfig, part: RuntimePart[Any] | None = None) -> None:
        self.config = config
        self.part = part if part is not None else runtime_part(config)
        self.model_bytes = Path(config.model).read_bytes()
        self.model = read_tflite(self.model_bytes)
        self.part.check(self.model)
        self.board = link_board(config.board, config.target)  # FLASH as the image may use it
        self.firmware = firmware_dir(config.firmware)
        self.toolchain = toolchain_version()
        self.root = Path(config.build_dir).resolve()
        self.work_dir = self.root / "firmware" / (self.part.prefix + build_key(config, self.model_bytes, self.part))

    def image(self) -> FirmwareImage:
        """The firmware for the configuration (its arena_bytes for a runtime that takes one)."""
        return self.with_arena(self.config.arena_bytes)

    def with_arena(self, arena_bytes: int | None) -> FirmwareImage:
        """The firmware with `arena_bytes` of arena (None: the runtime's default) for a runtime that
        takes its arena from the caller; other runtimes plan their own and ignore it."""
        given = self.part.given_arena(arena_bytes, self.board)
        folder = self.work_dir if given is None else self.work_dir.with_name(f"{self.work_dir.name}-arena{given}")
        with locked(self.work_dir):
            manifest = read_manifest(folder)
            if manifest is not None:
                return self._image(folder, manifest, reused=True)
            manifest = self._build(folder, arena_bytes)
            write_manifest(folder, manifest)
            return self._image(folder, manifest, reused=False)

    def _build(self, folder: Path, arena_bytes: int | None) -> Manifest:
        model, part, board = self.model, self.part, self.board
        planned = part.plan(model, board, arena_bytes)
        check_estimate(model, planned.arena_bytes, board)
        planned = part.plan_layout(model, planned)
        definitions = [*part.definitions(self.root), *shell_definitions(self.config, model)]
        if part.runtime is Runtime.GENERATED and Protocol(self.config.protocol) is Protocol.BENCH:
            # The shell does not depend on the model: compiled once, linked into every image.
            objects = shell_objects(self.root, board, self.firmware, Target(self.config.target))
            if objects:
                definitions.append("-DTB_SHELL_OBJECTS=" + ";".join(str(p) for p in objects))
        while True:
            sources = part.emit(model, self.model_bytes, planned, self.work_dir / "generated")
            try:
                elf = compile_firmware(sources, self.work_dir, board, self.firmware, definitions)
                memory = measure_memory(elf, planned.arena_bytes, board)
                check_fits(memory)
                break
            except ModelTooLargeError as error:
                smaller = part.fall_back(planned, error)
                if smaller is None:
                    raise
                planned = smaller
        if folder != self.work_dir:  # the next arena's build relinks the work folder's ELF
            folder.mkdir(parents=True, exist_ok=True)
            elf = Path(shutil.copy2(elf, folder / elf.name))
        return Manifest(elf, model.sha256, memory, part.layers(model, planned), part.record(planned))

    def _image(self, folder: Path, manifest: Manifest, reused: bool) -> FirmwareImage:
        return FirmwareImage(
            elf=manifest.elf, build_dir=folder, model_sha256=manifest.model_sha256, build_id=self.model.build_id,
            memory=manifest.memory, layers=manifest.layers, reused=reused, kernels=self.config.kernels,
            board=self.config.board, toolchain=self.toolchain, runtime=self.part.runtime,
            **self.part.image_fields(manifest.runtime),
        )


def build_key(config: BuildConfig, model_bytes: bytes, part: RuntimePart[Any] | None = None) -> str:
    """The build folder's key: sources, toolchain, model, shell, board and the runtime's own parts."""
    part = part if part is not None else runtime_part(config)
    board = config.board
    extra = "\n".join((
        *part.key_parts(), Protocol(config.protocol).value, Target(config.target).value,
        str(config.mlperf_model or ""), hashlib.sha256(model_bytes).hexdigest(), toolchain_version(),
        f"{board.flash.base:x}+{board.flash.size:x} {board.ram.base:x}+{board.ram.size:x}",
    ))
    return digest_files(source_files(firmware_dir(config.firmware)), extra)


def build_firmware(config: BuildConfig) -> FirmwareImage:
    """Generate, compile and size-check the firmware for one .tflite; reuse an identical build.

    The generator's one public entry: read, check, plan, emit, compile, measure.
    """
    return FirmwarePipeline(config).image()
