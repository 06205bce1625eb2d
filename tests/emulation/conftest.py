"""Builds the Thumb-2 test programs under programs/ with arm-none-eabi-gcc."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Callable

import pytest

PROGRAMS = Path(__file__).parent / "programs"
GCC = "arm-none-eabi-gcc"


@pytest.fixture(scope="session")
def build_program(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """build_program("count", CASE=1) -> path of the ELF (built once per session)."""
    if shutil.which(GCC) is None:
        pytest.skip(f"{GCC} is not installed (apt-get install gcc-arm-none-eabi)")
    out = tmp_path_factory.mktemp("programs")
    built: dict[tuple[str, tuple[tuple[str, int], ...]], Path] = {}

    def build(name: str, **defines: int) -> Path:
        key = (name, tuple(sorted(defines.items())))
        if key not in built:
            suffix = "".join(f"-{k}{v}" for k, v in key[1])
            elf = out / f"{name}{suffix}.elf"
            command = [
                GCC, "-mcpu=cortex-m4", "-mthumb", "-nostdlib", "-Ttext=0", "-g",
                *(f"-D{k}={v}" for k, v in key[1]), str(PROGRAMS / f"{name}.S"), "-o", str(elf),
            ]
            subprocess.run(command, check=True, capture_output=True, text=True)
            built[key] = elf
        return built[key]

    return build


FIRMWARE = Path(__file__).parent / "firmware"


@pytest.fixture(scope="session")
def build_c_firmware(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """build_c_firmware("faults", CASE=1) -> ELF of firmware/<name>.c with the real start-up
    code, fault handler and linker script (built once per session)."""
    if shutil.which(GCC) is None:
        pytest.skip(f"{GCC} is not installed (apt-get install gcc-arm-none-eabi)")
    from tools.baremetal import build_baremetal

    out = tmp_path_factory.mktemp("c-firmware")

    def build(name: str, **defines: int) -> Path:
        return build_baremetal([FIRMWARE / f"{name}.c"], out, defines=defines)

    return build
