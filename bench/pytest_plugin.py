"""pytest plugin: `--bench-` options and fixtures that build and boot model firmware.

Registered through the `pytest11` entry point, so any project with tflm-bench installed can
write tests such as:

    def test_my_model(bench_session):
        session = bench_session("models/my_model.tflite")
        results = session.run_samples(session.random_samples(20, seed=1))
        assert all(r.bit_exact for r in results)

    def test_my_model_keeps_its_figures(bench_session, bench_baseline):
        session = bench_session("models/my_model.tflite")
        report = session.report(session.run_samples(session.random_samples(8, seed=1)))
        bench_baseline(report)   # --bench-baseline FILE [--bench-tolerance ...] [--bench-update-baseline]
    def test_my_accuracy(bench_evaluate):
        report = bench_evaluate("models/my_model.tflite", "data/test.npz", jobs=2)
        check_device_accuracy(report, 0.95)          # from tflm_bench.evaluate
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from tflm_bench.emulation import DEFAULT_BAUD, EngineName, unavailable_reason
from tflm_bench.generator import KernelSet, Optimize, Runtime, TflmLibraryError

from .assertions import assert_matches_baseline
from .baseline import Comparison, ToleranceError, parse_tolerance
from .baseline import update as update_baseline
from .report import BenchReport
from .evaluate import EvaluateRequest, EvaluationReport, evaluate
from .session import BenchOptions, BenchSession


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tflm-bench")
    group.addoption(
        "--bench-engine", metavar="NAME", choices=tuple(EngineName), default=str(EngineName.default()),
        help=f"engine that runs the firmware: {', '.join(EngineName)} (default: {EngineName.default()}); "
             "serial: a real board flashed with the model's image, on --bench-port",
    )
    group.addoption(
        "--bench-port", metavar="DEVICE", default=None,
        help="--bench-engine serial: the board's serial port, e.g. /dev/ttyUSB0",
    )
    group.addoption(
        "--bench-baud", metavar="RATE", type=int, default=DEFAULT_BAUD,
        help=f"--bench-engine serial: the port's baud rate (default: {DEFAULT_BAUD})",
    )
    group.addoption(
        "--bench-kernels", metavar="SET", choices=tuple(KernelSet), default=str(KernelSet.default()),
        help=f"kernel set compiled into the firmware: {', '.join(KernelSet)} (default: {KernelSet.default()})",
    )
    group.addoption(
        "--bench-optimize", metavar="GOAL", choices=tuple(Optimize), default=str(Optimize.default()),
        help=f"weight layouts: {', '.join(Optimize)} (default: {Optimize.default()})",
    )
    group.addoption(
        "--bench-runtime", metavar="NAME", choices=tuple(Runtime), default=str(Runtime.default()),
        help=f"runtime in the firmware: {', '.join(Runtime)} (default: {Runtime.default()}); tflm needs a library",
    )
    group.addoption(
        "--bench-tflm-lib", metavar="FILE", type=Path, default=None,
        help="libtensorflow-microlite.a for Cortex-M4F hard-float (default: $TFLM_LIB)",
    )
    group.addoption(
        "--bench-tflm-include", metavar="DIR", type=Path, action="append", default=[],
        help="TFLM source root and third-party header folders, repeatable (default: $TFLM_INCLUDE)",
    )
    group.addoption(
        "--bench-build-dir", metavar="DIR", type=Path, default=None,
        help="where firmware is built and cached (default: $TFLM_BENCH_BUILD or ~/.cache/tflm-bench)",
    )
    group.addoption(
        "--bench-platform", metavar="REPL", type=Path, default=None,
        help="platform description (default: the project's bench/board/platforms/nrf52840.repl)",
    )
    group.addoption(
        "--bench-repl-path", metavar="DIR", type=Path, action="append", default=[],
        help="root folder for the platform description's `using` lines (e.g. a Renode tree), repeatable",
    )
    group.addoption(
        "--bench-baseline", metavar="FILE", type=Path, default=None,
        help="baseline file for the bench_baseline fixture (tflm-bench baseline save)",
    )
    group.addoption(
        "--bench-tolerance", metavar="SPEC", default=None,
        help="allowed regressions for bench_baseline, e.g. instructions=1%%,cycles=1%%,arena=0",
    )
    group.addoption(
        "--bench-update-baseline", action="store_true",
        help="bench_baseline records each report in --bench-baseline instead of comparing",
    )


def pytest_configure(config: pytest.Config) -> None:
    """--bench-port goes with --bench-engine serial, both ways: refused at start-up (exit 4)."""
    engine = config.getoption("--bench-engine", None)
    port = config.getoption("--bench-port", None)
    if engine == EngineName.SERIAL and not port:
        raise pytest.UsageError("--bench-engine serial needs the board's port: add --bench-port DEVICE "
                                "(e.g. /dev/ttyUSB0: the USB-serial adapter on a Nano 33 BLE's D0/D1)")
    if port and engine != EngineName.SERIAL:
        raise pytest.UsageError(f"--bench-port is for --bench-engine serial; engine {engine} runs the firmware "
                                "itself: leave --bench-port out or add --bench-engine serial")


def _serial_settings(pytestconfig: pytest.Config) -> dict[str, object]:
    """The serial engine's port and baud rate (checked in pytest_configure)."""
    return {"port": pytestconfig.getoption("--bench-port"), "baud": pytestconfig.getoption("--bench-baud")}


@pytest.fixture(scope="session")
def bench_options(pytestconfig: pytest.Config) -> BenchOptions:
    """The engine, kernels and platform chosen on the command line (skips, naming why, when the
    engine cannot run here, e.g. "Renode not installed")."""
    engine = pytestconfig.getoption("--bench-engine")
    reason = unavailable_reason(engine)
    if reason is not None:
        pytest.skip(reason)
    runtime = pytestconfig.getoption("--bench-runtime")
    try:
        return BenchOptions(
            engine=engine,
            **_serial_settings(pytestconfig),  # type: ignore[arg-type]
            platform=pytestconfig.getoption("--bench-platform"),
            repl_path=tuple(pytestconfig.getoption("--bench-repl-path")),
            kernels=pytestconfig.getoption("--bench-kernels"),
            optimize=pytestconfig.getoption("--bench-optimize"),
            build_root=pytestconfig.getoption("--bench-build-dir"),
            runtime=runtime,
            tflm_lib=pytestconfig.getoption("--bench-tflm-lib"),
            tflm_include=tuple(pytestconfig.getoption("--bench-tflm-include")),
        )
    except TflmLibraryError as error:
        if error.problem == "not given":
            pytest.skip(f"no TFLM library given: set TFLM_LIB and TFLM_INCLUDE (or --bench-tflm-lib): {error}")
        raise


def tflm_options(pytestconfig: pytest.Config, **extra: object) -> BenchOptions:
    """BenchOptions for the tflm runtime from --bench-tflm-lib/--bench-tflm-include or TFLM_LIB /
    TFLM_INCLUDE; skips, naming the reason, when no library is given."""
    try:
        return BenchOptions(
            engine=pytestconfig.getoption("--bench-engine"),
            **_serial_settings(pytestconfig),  # type: ignore[arg-type]
            platform=pytestconfig.getoption("--bench-platform"),
            repl_path=tuple(pytestconfig.getoption("--bench-repl-path")),
            build_root=pytestconfig.getoption("--bench-build-dir"),
            runtime=Runtime.TFLM,
            tflm_lib=pytestconfig.getoption("--bench-tflm-lib"),
            tflm_include=tuple(pytestconfig.getoption("--bench-tflm-include")),
            **extra,  # type: ignore[arg-type]
        )
    except TflmLibraryError as error:
        if error.problem == "not given":
            pytest.skip("no TFLM library given: set TFLM_LIB and TFLM_INCLUDE")
        raise


@pytest.fixture(scope="session")
def bench_tflm_options(pytestconfig: pytest.Config) -> BenchOptions:
    """Options for the tflm runtime (the user's library), whatever --bench-runtime says; skips with
    "no TFLM library given: set TFLM_LIB and TFLM_INCLUDE" when there is none."""
    reason = unavailable_reason(pytestconfig.getoption("--bench-engine"))
    if reason is not None:
        pytest.skip(reason)
    return tflm_options(pytestconfig)


@pytest.fixture(scope="session")
def bench_session(bench_options: BenchOptions) -> Iterator[Callable[[Path | str], BenchSession]]:
    """A factory: `bench_session(model)` gives that model's firmware, booted once per test session."""
    sessions: dict[Path, BenchSession] = {}

    def open_session(model: Path | str) -> BenchSession:
        key = Path(model).resolve()
        if key not in sessions:
            session = BenchSession(key, bench_options)
            session.start()
            sessions[key] = session
        return sessions[key]

    yield open_session
    for session in sessions.values():
        session.stop()


@pytest.fixture(scope="session")
def bench_baseline(pytestconfig: pytest.Config) -> Callable[[BenchReport], Comparison | None]:
    """`bench_baseline(report)`: fails the test on a regression against --bench-baseline FILE.

    With --bench-update-baseline it records the report instead (and returns None). Without
    --bench-baseline the tests that use it are skipped: there is nothing to compare with.
    """
    path: Path | None = pytestconfig.getoption("--bench-baseline")
    spec: str | None = pytestconfig.getoption("--bench-tolerance")
    update: bool = pytestconfig.getoption("--bench-update-baseline")
    try:
        tolerance = parse_tolerance(spec)
    except ToleranceError as error:
        raise pytest.UsageError(f"--bench-tolerance: {error}") from None

    def check(report: BenchReport) -> Comparison | None:
        if path is None:
            pytest.skip("no --bench-baseline FILE given")
        if update:
            update_baseline(path, report)
            return None
        return assert_matches_baseline(report, path, tolerance)

    return check


@pytest.fixture(scope="session")
def bench_evaluate(bench_options: BenchOptions) -> Callable[..., EvaluationReport]:
    """`bench_evaluate(model, data, **fields)`: evaluate a model on a data set with this session's
    engine, kernels and platform. `fields` are EvaluateRequest's (variants=, calibration=, train=,
    jobs=, limit=, metric=, ...); check the result with tflm_bench.evaluate.check_device_accuracy
    and check_accuracy_drop."""

    def run(model: Path | str, data: Path | str, **fields: object) -> EvaluationReport:
        return evaluate(EvaluateRequest(Path(model), Path(data), options=bench_options, **fields))  # type: ignore[arg-type]

    return run
