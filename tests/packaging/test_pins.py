"""The pins agree: pyproject.toml's direct dependencies carry the versions requirements.lock
installs, and this environment (made by scripts/setup.sh) holds them, the oracles above all."""
from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(raw: str) -> str:
    return re.sub(r"[-_.]+", "-", raw).lower()


def _lock() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.strip().partition("==")
            pins[_name(name)] = version
    return pins


def test_pyproject_pins_are_the_lock_files() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *[d for extra in project["optional-dependencies"].values() for d in extra]]
    lock = _lock()
    wrong = {}
    for requirement in declared:
        name, _, version = requirement.partition("==")
        if lock.get(_name(name)) != version:
            wrong[name] = (version, lock.get(_name(name)))
    assert not wrong, f"pyproject.toml pin, requirements.lock pin: {wrong}"


def test_the_oracles_installed_are_the_pinned_ones() -> None:
    lock = _lock()
    for name in ("tflite-micro", "ai-edge-litert", "tensorflow-cpu", "numpy", "protobuf"):
        assert metadata.version(name) == lock[name], f"{name}: installed {metadata.version(name)}, locked {lock[name]}; run scripts/setup.sh"
