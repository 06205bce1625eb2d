"""Versions of what produced a result: the bench, its oracles, the engine and the toolchain."""
from __future__ import annotations

import hashlib
import platform
import shutil
import subprocess
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tflm_bench.generator.firmware_build import FirmwareImage
    from tflm_bench.generator.model import Model

# Distribution name -> label; each one changes what a run computes or counts.
_PACKAGES = {
    "tflm-bench": "tflm-bench",
    "tflite-micro": "tflite-micro (TFLM oracle)",
    "tensorflow-cpu": "tensorflow (TFLite BUILTIN_REF)",
    "numpy": "numpy",
    "unicorn": "unicorn (builtin engine)",
}


def _package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _first_line(command: list[str]) -> str | None:
    if shutil.which(command[0]) is None:
        return None
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return out.splitlines()[0].strip() if out.strip() else None


def tool_versions() -> dict[str, str]:
    """Label -> version of everything installed that shapes a result; missing tools are left out."""
    versions = {"python": platform.python_version()}
    for name, label in _PACKAGES.items():
        version = _package_version(name)
        if version is not None:
            versions[label] = version
    gcc = _first_line(["arm-none-eabi-gcc", "--version"])
    if gcc is not None:
        versions["arm-none-eabi-gcc"] = gcc
    return dict(sorted(versions.items()))


@lru_cache(maxsize=1)
def _cached() -> tuple[tuple[str, str], ...]:
    return tuple(tool_versions().items())


def cached_tool_versions() -> dict[str, str]:
    """tool_versions(), asked once per process (it runs the cross compiler)."""
    return dict(_cached())


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, or "" when it is gone (a report read back after a clean)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def run_identity(model: Model, image: FirmwareImage, kernels: str) -> dict[str, object]:
    """The BenchReport fields that say what ran: firmware hash, build key, versions, arena map."""
    from .memory_map import arena_map, layer_outputs

    return {
        "firmware_sha256": file_sha256(image.elf),
        "build_key": image.build_dir.name,
        "versions": cached_tool_versions(),
        "layer_outputs": layer_outputs(model),
        "tensors": arena_map(model, kernels, image.memory.arena_bytes),
    }
