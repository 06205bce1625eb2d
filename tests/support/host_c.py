"""Build a small C program for the host from firmware sources (their plain-C paths) and a test
driver; skips, naming why, when there is no host C compiler."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def build_host_c(binary: Path, sources: tuple[Path, ...], includes: tuple[Path, ...],
                 defines: tuple[str, ...] = ()) -> Path:
    """Compile and link `sources` into `binary` with the firmware's warning flags."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip(f"no host C compiler (cc or gcc) to build {binary.name} for the host")
    subprocess.run([compiler, "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", *(f"-D{d}" for d in defines),
                    *(f"-I{i}" for i in includes), *map(str, sources), "-o", str(binary)], check=True)
    return binary


def build_host_program(folder: Path, driver: str, include: Path, sources: tuple[Path, ...] = (),
                       name: str = "program") -> Path:
    (folder / "driver.c").write_text(driver)
    return build_host_c(folder / name, (*sources, folder / "driver.c"), (include,))
