"""The package as a user gets it: a wheel built from this checkout, installed into a new virtual
environment, runs a model from another directory, and its pytest plugin serves an outside project.

The new environment reuses the dependencies already installed in this one (a path entry to
its site-packages, never its editable install), so the test installs nothing from a registry.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SINE = ROOT / "models" / "sine_int8.tflite"
# What must ship for a build at run time, one per kind of package data.
REQUIRED = (
    "tflm_bench/firmware/CMakeLists.txt",
    "tflm_bench/firmware/cmake/arm-none-eabi.cmake",
    "tflm_bench/firmware/platform/nrf52840.ld",
    "tflm_bench/firmware/runtime/tb_runtime.h",
    "tflm_bench/firmware/kernels/fully_connected/fully_connected_s8.c",
    "tflm_bench/generator/templates/tb_model.c.j2",
    "tflm_bench/board/platforms/nrf52840.repl",
    "tflm_bench/emulation/builtin/counter.c",
    "tflm_bench/generator/ops/fully_connected.py",
    "tflm_bench/pytest_plugin.py",
)


def _source_copy(destination: Path) -> Path:
    """The files git would ship (tracked, plus new ones not ignored), without build leftovers."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def _run(command: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    assert result.returncode == 0, f"{' '.join(map(str, command))}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(wheel, sdist) built from a clean copy of the checkout."""
    work = tmp_path_factory.mktemp("package")
    source = _source_copy(work / "src")
    dist = work / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(dist), str(source)])
    _run([sys.executable, "setup.py", "-q", "sdist", "-d", str(dist)], cwd=source)
    return next(dist.glob("*.whl")), next(dist.glob("*.tar.gz"))


@pytest.fixture(scope="module")
def installed(built: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment holding the wheel; returns its bin/ folder."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", str(venv)])
    site = next((venv / "lib").glob("python*/site-packages"))
    (site / "reuse-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # This environment's pip installs into the new one (which has none of its own).
    _run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps",
          "--no-index", str(built[0])])
    return venv / "bin"


def _clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "TFLM_BENCH_"))}
    env["PYTHONNOUSERSITE"] = "1"
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg-cache")
    env.pop("PYTHONPATH", None)
    return env


def test_wheel_and_sdist_carry_the_run_time_files(built: tuple[Path, Path]) -> None:
    wheel, sdist = built
    names = set(zipfile.ZipFile(wheel).namelist())
    assert not [name for name in REQUIRED if name not in names]
    assert not [name for name in names if name.startswith(("tests/", "tools/", "scripts/"))]
    import tarfile

    with tarfile.open(sdist) as archive:
        members = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for name in ("firmware/CMakeLists.txt", "bench/board/platforms/nrf52840.repl", "generator/templates/tb_model.c.j2",
                 "emulation/builtin/counter.c", "setup.py", "README.md", "docs/commands.md",
                 "examples/pytest/test_my_model.py", "examples/robot/my_model.robot"):
        assert name in members, f"the sdist lacks {name}"


def test_installed_wheel_runs_a_model_from_elsewhere(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "user-project"
    elsewhere.mkdir()
    shutil.copy2(SINE, elsewhere / "sine.tflite")
    env = _clean_env(tmp_path)
    where = _run([str(installed / "python"), "-c", "import tflm_bench; print(tflm_bench.__file__)"], cwd=elsewhere, env=env)
    assert str(installed.parent) in where.stdout, f"tflm_bench came from {where.stdout.strip()}, not the wheel"
    result = _run([str(installed / "tflm-bench"), "run", "sine.tflite", "--count", "3", "--json", "out.json"],
                  cwd=elsewhere, env=env, timeout=900)
    assert "3/3 inputs bit-exact with TFLM" in result.stdout
    # Builds went to the per-user cache, not into site-packages or the caller's folder.
    assert list((tmp_path / "xdg-cache" / "tflm-bench" / "firmware").glob("*/cmake/firmware.elf"))
    assert sorted(p.name for p in elsewhere.iterdir()) == ["out.json", "sine.tflite"]
    assert not list(installed.parent.rglob("firmware.elf"))


def test_outside_pytest_project_uses_the_plugin(installed: Path, tmp_path: Path) -> None:
    project = tmp_path / "their-project"
    (project / "tests").mkdir(parents=True)
    shutil.copy2(SINE, project / "model.tflite")
    (project / "tests" / "test_model.py").write_text(textwrap.dedent('''
        from pathlib import Path

        MODEL = Path(__file__).parents[1] / "model.tflite"


        def test_model_is_bit_exact(bench_session):
            session = bench_session(MODEL)
            results = session.run_samples(session.random_samples(4, seed=2))
            assert len(results) == 4 and all(r.bit_exact for r in results)


        def test_options_come_from_the_command_line(bench_options):
            assert str(bench_options.kernels) == "reference"
    '''))
    result = _run([str(installed / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--bench-kernels",
                   "reference", "tests"], cwd=project, env=_clean_env(tmp_path), timeout=900)
    assert "2 passed" in result.stdout


def test_build_wheel_script_leaves_the_checkout_clean(tmp_path: Path) -> None:
    """scripts/build_wheel.sh (the README's wheel build) builds from a clean copy: the checkout
    gets no build/ or *.egg-info, and its default output folder dist/ is git-ignored."""
    def status() -> tuple[str, set[Path]]:
        # Untracked and changed files, and what a wheel build in the checkout would leave (ignored
        # by git, so listed by hand; other tests may write the rest of build/ meanwhile).
        porcelain = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT,
                                   capture_output=True, text=True, check=True).stdout
        leftovers = {*ROOT.glob("*.egg-info"), *ROOT.glob("*/*.egg-info"), *ROOT.glob("build/lib*"),
                     *ROOT.glob("build/bdist.*"), *ROOT.glob("dist/*")}
        return porcelain, leftovers

    before = status()
    _run(["bash", str(ROOT / "scripts" / "build_wheel.sh"), "--out", str(tmp_path / "out")])
    assert status() == before
    wheel = next((tmp_path / "out").glob("tflm_bench-*-py3-none-any.whl"))
    with zipfile.ZipFile(wheel) as archive:
        assert set(REQUIRED) <= set(archive.namelist())
    ignored = subprocess.run(["git", "check-ignore", "-q", "dist/tflm_bench-0.1.0-py3-none-any.whl"], cwd=ROOT)
    assert ignored.returncode == 0, "dist/ is not git-ignored"


def test_a_new_users_journey_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    """The README's path for a newcomer, from the installed wheel in a folder of their own: the QAT
    packages (`tflm-bench install-qat`), the five-variant table on the digits model, then the
    README's pytest and Robot examples as written. (The environment reuses this one's pinned
    packages instead of installing requirements.lock from the registry: see `installed`.)"""
    env = _clean_env(tmp_path)
    qat = _run([str(installed / "tflm-bench"), "install-qat"], env=env, timeout=600)
    assert "QAT packages already installed" in qat.stdout or "installing" in qat.stdout
    project = tmp_path / "my-project"
    _run([str(installed / "python"), str(ROOT / "examples" / "make_my_project.py"), str(ROOT), str(project)], env=env)
    digits = ROOT / "models" / "digits"
    table = _run([str(installed / "tflm-bench"), "evaluate", str(digits / "digits_cnn.keras"), "--data",
                  str(digits / "test.npz"), "--calibration", str(digits / "calibration.npy"),
                  "--variants", "float,dynamic,int8,uint8-io,qat", "--train", str(digits / "train.npz"),
                  "--qat-epochs", "1", "--limit", "40", "--jobs", "1"], cwd=project, env=env, timeout=1500)
    rows = [line.split("|")[0].strip() for line in table.stdout.splitlines() if "|" in line]
    assert {"float", "dynamic", "int8", "uint8-io", "qat"} <= set(rows), table.stdout[-3000:]
    for example in ("pytest/test_my_model.py", "robot/my_model.robot"):
        shutil.copy2(ROOT / "examples" / example, project)
    tested = _run([str(installed / "python"), "-m", "pytest", "-p", "no:cacheprovider", "test_my_model.py"],
                  cwd=project, env=env, timeout=900)
    assert "2 passed, 1 skipped" in tested.stdout
    robot = _run([str(installed / "python"), "-m", "robot", "--outputdir", str(tmp_path / "robot"), "my_model.robot"],
                 cwd=project, env=env, timeout=900)
    assert "2 tests, 2 passed, 0 failed" in robot.stdout
