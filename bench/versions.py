"""The versions a verdict depends on, recorded in every report."""
from __future__ import annotations

import platform
from importlib import metadata

# Distribution names; tensorflow comes as tensorflow-cpu in requirements.lock.
PACKAGES = ("tflm-bench", "tflite-micro", "tensorflow-cpu", "tensorflow", "unicorn", "numpy")


def tool_versions(toolchain: str) -> dict[str, str]:
    versions = {"python": platform.python_version(), "arm-none-eabi-gcc": toolchain}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions
