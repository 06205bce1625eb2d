"""The README's pytest and Robot examples work as written, from a project folder outside the
checkout, and the README shows exactly the files in examples/ (so they cannot drift apart)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = {  # file -> the fence the README shows it in
    ROOT / "examples" / "make_my_project.py": "python",
    ROOT / "examples" / "pytest" / "test_my_model.py": "python",
    ROOT / "examples" / "robot" / "my_model.robot": "robotframework",
}


@pytest.mark.parametrize("path", list(EXAMPLES), ids=lambda p: p.name)
def test_readme_shows_the_example_verbatim(path: Path) -> None:
    readme = (ROOT / "README.md").read_text()
    block = f"```{EXAMPLES[path]}\n{path.read_text()}```\n"
    assert block in readme, f"README.md does not show {path.relative_to(ROOT)} verbatim in a ```{EXAMPLES[path]} block"


def _env() -> dict[str, str]:
    """The caller's environment without this pytest run's own variables (xdist, addopts)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    return result


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The README's steps: make_my_project.py, then the two example files copied in."""
    folder = tmp_path_factory.mktemp("elsewhere") / "my-project"
    _run([sys.executable, str(ROOT / "examples" / "make_my_project.py"), str(ROOT), str(folder)], cwd=folder.parent)
    shutil.copy(ROOT / "examples" / "pytest" / "test_my_model.py", folder)
    shutil.copy(ROOT / "examples" / "robot" / "my_model.robot", folder)
    return folder


def test_pytest_example_passes(project: Path) -> None:
    result = _run([sys.executable, "-m", "pytest", "test_my_model.py"], cwd=project)
    assert "2 passed, 1 skipped" in result.stdout


def test_pytest_example_passes_against_its_baseline(project: Path) -> None:
    _run([sys.executable, "-m", "tflm_bench.cli", "baseline", "save", "my_model.tflite", "-o", "bench-baseline.json"],
         cwd=project)
    result = _run([sys.executable, "-m", "pytest", "test_my_model.py", "--bench-baseline", "bench-baseline.json"],
                  cwd=project)
    assert "3 passed" in result.stdout


def test_robot_example_passes(project: Path) -> None:
    result = _run([sys.executable, "-m", "robot", "my_model.robot"], cwd=project)
    assert "2 tests, 2 passed, 0 failed" in result.stdout
