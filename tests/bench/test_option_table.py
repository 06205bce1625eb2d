"""The option table: the CLI, the pytest plugin and the Robot library expose the same bench
options and turn the same values into the same BenchOptions."""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import pytest
from robot.libdoc import LibraryDocumentation

from tflm_bench import pytest_plugin
from tflm_bench.cli import _options, _parser
from tflm_bench.errors import InputError
from tflm_bench.option_table import BENCH_OPTIONS, OPTIONS, add_pytest_options, cli_flag
from tflm_bench.robot_library import TflmBench
from tflm_bench.session import BenchOptions

# `run`'s own options and the pytest plugin's baseline options: not bench options.
RUN_ONLY = {"help", "model", "calibration", "io", "inputs", "count", "seed", "json", "no_tflite", "labels", "shard", "report",
            "markdown", "junit", "trace", "baseline", "tolerance", "update_baseline"}
PYTEST_ONLY = {"--bench-baseline", "--bench-tolerance", "--bench-update-baseline"}
BY_PYTEST_FLAG = {option.pytest_flag: option.name for option in OPTIONS.values()}


def _run_parser() -> argparse.ArgumentParser:
    return _parser()._subparsers._group_actions[0].choices["run"]  # type: ignore[union-attr]


def cli_names() -> set[str]:
    return {action.dest for action in _run_parser()._actions} - RUN_ONLY


class _Group:
    def __init__(self) -> None:
        self.flags: list[str] = []

    def addoption(self, *names: str, **keywords: object) -> None:
        self.flags.extend(names)


class _FakeParser:
    def __init__(self) -> None:
        self.group = _Group()

    def getgroup(self, name: str) -> _Group:
        return self.group


def pytest_names() -> set[str]:
    parser = _FakeParser()
    pytest_plugin.pytest_addoption(parser)  # type: ignore[arg-type]
    return {BY_PYTEST_FLAG.get(flag, flag) for flag in parser.group.flags if flag not in PYTEST_ONLY}


def robot_names() -> set[str]:
    return set(LibraryDocumentation("tflm_bench.robot_library.TflmBench").inits[0].args.argument_names)


def test_the_three_front_ends_expose_the_same_bench_options() -> None:
    table = {option.name for option in BENCH_OPTIONS}
    assert cli_names() == table
    assert pytest_names() == table
    assert robot_names() == table


def test_todays_spellings_are_kept() -> None:
    flags = {option.name: (option.cli_flag, option.pytest_flag) for option in BENCH_OPTIONS}
    assert flags["target"] == ("--board", "--bench-board")
    assert flags["build_dir"] == ("--build-dir", "--bench-build-dir")
    assert flags["repl_path"] == ("--repl-path", "--bench-repl-path")
    assert OPTIONS["build_dir"].field == "build_root" and OPTIONS["timeout"].field == "timeout_s"
    assert set(OPTIONS) - {"protocol", "mlperf_model"} == {option.name for option in BENCH_OPTIONS}
    assert {option.field for option in OPTIONS.values()} <= set(BenchOptions.__dataclass_fields__)


def test_each_environment_variable_is_named_in_the_help() -> None:
    for option in OPTIONS.values():
        if option.env is not None:
            assert f"${option.env}" in option.help_text(cli_flag), option.name


def test_the_same_values_give_the_same_options_everywhere(tmp_path: Path) -> None:
    given = {"engine": "builtin", "kernels": "reference", "optimize": "size", "target": "nano33ble",
             "timeout": "7.5", "baud": "9600", "build_dir": str(tmp_path / "b"), "platform": "p.repl"}
    cli_args = ["run", "m.tflite", "--repl-path", "r1", "--repl-path", "r2"]
    for name, value in given.items():
        cli_args += [OPTIONS[name].cli_flag, value]
    from_cli = _options(_parser().parse_args(cli_args))

    pytest_parser = argparse.ArgumentParser()
    add_pytest_options(pytest_parser.add_argument)
    pytest_args = pytest_parser.parse_args(
        [arg.replace("--", "--bench-", 1) if arg.startswith("--") else arg for arg in cli_args[2:]])
    from_pytest = pytest_plugin._options(_Config(pytest_args))  # type: ignore[arg-type]

    from_robot = TflmBench(**given, repl_path="r1:r2").state.options

    assert from_cli == from_pytest == from_robot
    assert from_robot.timeout_s == 7.5 and from_robot.baud == 9600 and from_robot.repl_path == (Path("r1"), Path("r2"))
    assert from_robot.build_root == tmp_path / "b" and str(from_robot.target) == "nano33ble"


class _Config:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args

    def getoption(self, dest: str) -> object:
        return getattr(self.args, dest)


def test_robot_arguments_are_checked_with_the_cli_s_rules() -> None:
    with pytest.raises(InputError, match="arena_bytes: must be at least 1, got 0"):
        _ = TflmBench(arena_bytes="0").state.options
    with pytest.raises(InputError, match="give one tflm_lib .got 2.*compare"):
        _ = TflmBench(runtime="tflm", tflm_lib="a.a:b.a").state.options


def test_robot_takes_the_engine_by_position_and_the_rest_by_name() -> None:
    assert str(TflmBench("renode", baud=9600).state.options.engine) == "renode"
    with pytest.raises(TypeError):
        TflmBench("builtin", "60")


PLUGIN_TEST = '''
from pathlib import Path


def test_options(bench_options):
    assert str(bench_options.kernels) == "reference" and bench_options.timeout_s == 3.0
    assert bench_options.repl_path == (Path("a"), Path("b")) and bench_options.arena_bytes == 4096
'''


def test_the_installed_plugin_takes_every_bench_option(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_options.py").write_text(PLUGIN_TEST)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                             str(tmp_path / "test_options.py"), "--bench-kernels", "reference", "--bench-timeout", "3",
                             "--bench-repl-path", "a", "--bench-repl-path", "b", "--bench-arena-bytes", "4096"],
                            capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
