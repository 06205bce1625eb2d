"""Build a small C program for the host from firmware sources (their plain-C paths) and a test
driver; skips, naming why, when there is no host C compiler."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def build_host_program(folder: Path, driver: str, include: Path, sources: tuple[Path, ...] = (),
                       name: str = "program") -> Path:
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip(f"no host C compiler (cc or gcc) to build {name} for the host")
    (folder / "driver.c").write_text(driver)
    binary = folder / name
    subprocess.run([compiler, "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", f"-I{include}",
                    *map(str, sources), str(folder / "driver.c"), "-o", str(binary)], check=True)
    return binary
