"""Versions of what produced a result: the bench, its oracles, the engine and the toolchain."""
from __future__ import annotations

import hashlib
import platform
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tflm_bench.generator import FirmwareImage, Model

# Distribution name -> label; each one changes what a run computes or counts.
_PACKAGES = {
    "tflm-bench": "tflm-bench",
    "tflite-micro": "tflite-micro (TFLM oracle)",
    "ai-edge-litert": "ai-edge-litert (TFLite BUILTIN_REF)",
    "tensorflow-cpu": "tensorflow-cpu (model conversion)",
    "numpy": "numpy",
    "unicorn": "unicorn (builtin engine)",
}


def _package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def tool_versions(toolchain: str) -> dict[str, str]:
    """Label -> version of everything that shapes a result; `toolchain` is the image's gcc line."""
    versions = {"python": platform.python_version(), "arm-none-eabi-gcc": toolchain}
    for name, label in _PACKAGES.items():
        version = _package_version(name)
        if version is not None:
            versions[label] = version
    return dict(sorted(versions.items()))


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, or "" when it is gone (a report read back after a clean)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def identity(model: Model, image: FirmwareImage) -> dict[str, object]:
    """The BenchReport fields that say what ran: firmware hash, build key, arena map."""
    from .memory_map import arena_map, layer_outputs

    return {
        "firmware_sha256": file_sha256(image.elf),
        "build_key": image.build_dir.name,
        "layer_outputs": layer_outputs(model),
        "tensors": arena_map(model, image.plan),
    }
