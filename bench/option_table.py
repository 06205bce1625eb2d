"""Every option that sets a BenchOptions field, declared once: the CLI, the pytest plugin and the
Robot library derive their own spelling of it from this table.

    --kernels reference          (tflm-bench run, build, ...)
    --bench-kernels reference    (pytest)
    kernels=reference            (Library  tflm_bench.robot_library.TflmBench)

The *bench options* are the ones `tflm-bench run` takes; the pytest plugin and the Robot library
expose exactly those (tests/bench/test_option_table.py checks the three sets are equal), so a new
option is one entry in OPTIONS. Options of one command only (`build --protocol`) live here too,
because they set BenchOptions fields, but are not bench options.
"""
from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar
from pathlib import Path

from tflm_bench.emulation import DEFAULT_BAUD, EngineName
from tflm_bench.generator import KernelSet, MlperfModel, Optimize, Protocol, Runtime, Target

from .cache import BUILD_ENV
from .energy import Regulator
from .errors import InputError
from .session import BenchOptions

N = TypeVar("N", int, float)

# The CLI commands that take an option. "baseline save" is the subcommand's full name.
RUNNING = frozenset({"run", "diff", "evaluate", "baseline save"})  # boot firmware on an engine
BUILDING = RUNNING | {"build"}
EXPORTING = frozenset({"export"})  # builds the runtime it writes out: the generated runtime's options
CHOOSING_RUNTIME = frozenset({"run", "build", "baseline save"})
BENCH_COMMAND = "run"  # its options are the bench options every front end exposes


def number_in(convert: Callable[[str], N], what: str, fits: Callable[[N], bool],
              bounds: str) -> Callable[[str], N]:
    """An argparse type: text `convert` reads as `what`, within `bounds` (the message when not)."""
    def parse(text: str) -> N:
        try:
            value = convert(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if not fits(value):
            raise argparse.ArgumentTypeError(f"{bounds}, got {text.strip()}")
        return value
    return parse


positive_int = number_in(int, "a whole number", lambda v: v >= 1, "must be at least 1")


def _baud(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a baud rate is a positive whole number, got {text!r}")
    return int(text)


_volts = number_in(float, "a voltage", lambda v: 1.7 <= v <= 5.5, "the nRF52840 runs from 1.7 V to 5.5 V (VDDH)")
_seconds = number_in(float, "a number of seconds", lambda v: v > 0, "must be more than 0 seconds")


@dataclass(frozen=True)
class Option:
    """One option. `name` is the argparse dest and the Robot argument; `help` may name other
    options as {name}, which each front end spells its own way (--port, --bench-port, ``port``)."""

    name: str
    field: str  # the BenchOptions field it sets
    help: str
    commands: frozenset[str]
    flag: str = ""  # CLI long flag without "--" (default: name in kebab case); pytest adds "bench-"
    enum: type[StrEnum] | None = None  # the choices (BenchOptions parses the text with the enum's parse)
    parse: Callable[[str], object] | None = None  # text -> value (argparse type)
    default: object = None
    default_doc: str | None = None  # the default in words, when the value alone does not say it
    metavar: str | None = None
    repeatable: bool = False  # given several times; a Robot argument separates them with ':'
    single: bool = False  # repeatable for `compare` only: one value sets the field
    env: str | None = None  # the variable read when the option is not given (where it is read today)

    @property
    def cli_flag(self) -> str:
        return "--" + (self.flag or self.name.replace("_", "-"))

    @property
    def pytest_flag(self) -> str:
        return "--bench-" + self.cli_flag[2:]

    @property
    def pytest_dest(self) -> str:
        return "bench_" + self.name

    @property
    def choices(self) -> tuple[str, ...] | None:
        return tuple(str(member) for member in self.enum) if self.enum is not None else None

    def help_text(self, spell: Callable[[Option], str], several: str = "repeatable") -> str:
        """The help in one front end's spelling; `several` says how a repeatable one takes more."""
        text = self.help.format(**{option.name: spell(option) for option in OPTIONS.values()})
        if self.repeatable and not self.single:
            text += f"; {several}"
        default = self.default_doc or (str(self.default) if self.default is not None else None)
        return text + (f" (default: {default})" if default else "")

    def field_value(self, value: object, spell: Callable[[Option], str]) -> object:
        """The BenchOptions field's value from a front end's value (text, or already parsed)."""
        if not self.repeatable:
            return self._parsed(value, spell)
        items = tuple(self._parsed(item, spell) for item in _items(value))
        if not self.single:
            return items
        if len(items) > 1:
            raise InputError(f"give one {spell(self)} (got {len(items)}); `tflm-bench compare MODEL --tflm-lib A.a "
                             "--tflm-lib B.a` compares several libraries")
        return items[0] if items else None

    def _parsed(self, value: object, spell: Callable[[Option], str]) -> object:
        if not isinstance(value, str) or self.parse is None:
            return value
        try:
            return self.parse(value)
        except (argparse.ArgumentTypeError, ValueError) as error:
            raise InputError(f"{spell(self)}: {error}") from None


def _items(value: object) -> list[object]:
    """A repeatable option's values: a list, or a Robot argument's text separated by ':'."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part for part in value.split(":") if part]
    return list(value)  # type: ignore[call-overload]


def _resolved(text: str) -> Path:
    return Path(text).resolve()


_TABLE = (
    Option("engine", "engine", enum=EngineName, default=str(EngineName.default()), commands=RUNNING | {"compare"},
           help="what runs the firmware: builtin or renode (emulators), or serial (a real board already flashed "
                "with this model's image, on {port})"),
    Option("port", "port", metavar="DEVICE", commands=RUNNING,
           help="engine serial: the board's serial port, e.g. /dev/ttyUSB0 (or a PTY from "
                "`tflm-bench emulate FW.elf --uart-pty`)"),
    Option("baud", "baud", parse=_baud, default=DEFAULT_BAUD, metavar="RATE", commands=RUNNING,
           help="engine serial: the port's baud rate", default_doc=f"{DEFAULT_BAUD}, the firmware's"),
    Option("timeout", "timeout_s", parse=_seconds, default=120.0, metavar="SECONDS", commands=RUNNING,
           help="how long to wait for each reply of the firmware"),
    Option("kernels", "kernels", enum=KernelSet, default=str(KernelSet.default()), commands=BUILDING | EXPORTING,
           help="kernel set: reference (plain TFLM port) or optimized"),
    Option("optimize", "optimize", enum=Optimize, default=str(Optimize.default()), commands=BUILDING | EXPORTING,
           help="weight layouts of the optimized kernels: speed (expand all, fall back per layer only to fit "
                "flash), size (keep int8 weights), balanced (expand within +25% of the weights)"),
    Option("target", "target", flag="board", enum=Target, default=str(Target.default()), commands=BUILDING,
           help="emulator: an image for the emulators, linked at the flash base; nano33ble: an image for a real "
                "Arduino Nano 33 BLE, linked after its bootloader (see docs/engines.md, \"Flashing a real board\")"),
    Option("platform", "platform", parse=Path, metavar="REPL", commands=BUILDING | EXPORTING | {"compare", "emulate"},
           help="platform description .repl; its flash, RAM and clocks are used",
           default_doc="the shipped nrf52840.repl"),
    Option("repl_path", "repl_path", parse=Path, repeatable=True, metavar="DIR", env="TFLM_BENCH_REPL_PATH",
           commands=BUILDING | EXPORTING | {"compare", "emulate"},
           help="a root folder for the platform description's `using` lines (a Renode tree holding platforms/), "
                "searched before $TFLM_BENCH_REPL_PATH and the Renode found"),
    Option("build_dir", "build_root", parse=_resolved, metavar="DIR", env=BUILD_ENV, commands=BUILDING | EXPORTING | {"compare"},
           help="where firmware is built and cached", default_doc=f"${BUILD_ENV} or ~/.cache/tflm-bench"),
    Option("runtime", "runtime", enum=Runtime, default=str(Runtime.default()), commands=CHOOSING_RUNTIME,
           help="generated (our ahead-of-time C) or tflm (your TFLM library's interpreter)"),
    Option("arena_bytes", "arena_bytes", parse=positive_int, metavar="BYTES", commands=CHOOSING_RUNTIME,
           help="tflm: the tensor arena to give", default_doc="find the smallest that allocates"),
    Option("tflm_lib", "tflm_lib", parse=Path, repeatable=True, single=True, metavar="FILE", env="TFLM_LIB",
           commands=CHOOSING_RUNTIME | {"compare"},
           help="libtensorflow-microlite.a built for Cortex-M4F hard-float", default_doc="$TFLM_LIB"),
    Option("tflm_include", "tflm_include", parse=Path, repeatable=True, metavar="DIR", env="TFLM_INCLUDE",
           commands=CHOOSING_RUNTIME | {"compare"},
           help="TFLM source root and its third-party header folders",
           default_doc="$TFLM_INCLUDE, colon-separated"),
    Option("regulator", "regulator", enum=Regulator, default=str(Regulator.default()), commands=RUNNING,
           help="energy estimate: the nRF52840's regulator, dcdc or ldo (whether Arduino's core turns on the DC/DC "
                "is not known: name the one you use)"),
    Option("supply_volts", "supply_volts", parse=_volts, default=3.0, metavar="VOLTS", commands=RUNNING,
           help="energy estimate: the supply voltage (the data sheet's currents are for 3.0 V)"),
    Option("duty", "duty", metavar="RATE", commands=RUNNING,
           help="energy estimate: how often the model runs, e.g. 1/s, 30/min, 4/h, 12/day; with it the average "
                "current, System ON sleep between inferences"),
    Option("battery", "battery", metavar="CAPACITY", commands=RUNNING,
           help="energy estimate: a battery's capacity, e.g. 220mAh, for its life at {duty}"),
    Option("protocol", "protocol", enum=Protocol, default=str(Protocol.default()), commands=frozenset({"build"}),
           help="what the firmware speaks on uart0: bench (framed, with CRC) or mlperf (the MLPerf Tiny "
                "runner's text commands)"),
    Option("mlperf_model", "mlperf_model", enum=MlperfModel, commands=frozenset({"build"}),
           help="with {protocol} mlperf: the name `profile` reports (m-model-[...]), which picks the runner's "
                "test section", default_doc="from the input shape, see docs/mlperf.md"),
)
OPTIONS: dict[str, Option] = {option.name: option for option in _TABLE}


def options_of(command: str) -> tuple[Option, ...]:
    return tuple(option for option in _TABLE if command in option.commands)


BENCH_OPTIONS = options_of(BENCH_COMMAND)


def cli_flag(option: Option) -> str:
    return option.cli_flag


def add_arguments(parser: argparse.ArgumentParser, command: str, **changes: dict[str, object]) -> None:
    """The table's options of `command`, in table order; `changes` adjusts one option's
    add_argument keywords for this command (e.g. fewer engine choices)."""
    for option in options_of(command):
        keywords = _argparse_keywords(option, cli_flag) | changes.get(option.name, {})
        parser.add_argument(option.cli_flag, dest=option.name, **keywords)  # type: ignore[arg-type]


def _argparse_keywords(option: Option, spell: Callable[[Option], str]) -> dict[str, object]:
    keywords: dict[str, object] = {"help": option.help_text(spell).replace("%", "%%"), "metavar": option.metavar}
    if option.repeatable:
        keywords.update(action="append", default=[], type=option.parse)
    else:
        keywords.update(default=option.default, type=option.parse, choices=option.choices)
    return keywords


def add_pytest_options(addoption: Callable[..., None]) -> None:
    """The bench options as `--bench-<flag>` on a pytest option group's addoption."""
    for option in BENCH_OPTIONS:
        addoption(option.pytest_flag, dest=option.pytest_dest,
                  **_argparse_keywords(option, lambda other: other.pytest_flag))


def robot_spelling(option: Option) -> str:
    return f"``{option.name}``"


def robot_arguments() -> tuple[tuple[str, object], ...]:
    """The Robot library's arguments and their defaults (lists: text separated by ':')."""
    return tuple((option.name, option.default if not option.repeatable else None) for option in BENCH_OPTIONS)


def _robot_literals(text: str) -> str:
    """`code` in a help text as libdoc's ``code`` (a single backquote there links a keyword)."""
    return re.sub(r"(?<!`)`([^`]+)`(?!`)", r"``\1``", text)


def robot_arguments_doc() -> str:
    """Libdoc's table of the library arguments."""
    rows = [f"| ``{option.name}`` | {_robot_literals(option.help_text(robot_spelling, 'several separated by ``:``'))} |"
            for option in BENCH_OPTIONS]
    return "\n".join(["| =Argument= | =Meaning= |", *rows])


def to_bench_options(values: Mapping[str, object], spell: Callable[[Option], str] = cli_flag,
                     **extra: object) -> BenchOptions:
    """BenchOptions from one front end's values by option name; a value not given (None or
    empty) leaves the field's default. `extra` sets other fields (compare_tflite, runtime, ...)."""
    fields: dict[str, object] = {}
    for name, value in values.items():
        option = OPTIONS[name]
        if value is None or value == "" or (option.repeatable and not _items(value)):
            continue
        fields[option.field] = option.field_value(value, spell)
    return BenchOptions(**(fields | extra))  # type: ignore[arg-type]


def namespace_values(args: argparse.Namespace, leave_out: Iterable[str] = ()) -> dict[str, object]:
    """The table's options in parsed command-line arguments."""
    skip = set(leave_out)
    return {name: value for name, value in vars(args).items() if name in OPTIONS and name not in skip}
