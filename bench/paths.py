"""Where the project's own files are: firmware sources, platform descriptions, build output."""
from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The checkout this package runs from (TFLM_BENCH_ROOT overrides it)."""
    override = os.environ.get("TFLM_BENCH_ROOT")
    if override:
        return Path(override).resolve()
    # bench/paths.py -> the checkout root; the package is installed editable from a checkout.
    return Path(__file__).resolve().parents[1]


def firmware_dir() -> Path:
    return project_root() / "firmware"


def default_platform() -> Path:
    return project_root() / "emulation" / "platforms" / "nrf52840.repl"


def build_root() -> Path:
    override = os.environ.get("TFLM_BENCH_BUILD")
    return Path(override).resolve() if override else project_root() / "build"
