"""pytest plugin: `--bench-` options and fixtures that build and boot model firmware.

Registered through the `pytest11` entry point, so any project with tflm-bench installed can
write tests such as:

    def test_my_model(bench_session):
        session = bench_session("models/my_model.tflite")
        results = session.run_samples(session.random_samples(20, seed=1))
        assert all(r.bit_exact for r in results)

    def test_my_accuracy(bench_evaluate):
        report = bench_evaluate("models/my_model.tflite", "data/test.npz", jobs=2)
        check_device_accuracy(report, 0.95)          # from tflm_bench.evaluate
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from tflm_bench.emulation import EngineName, unavailable_reason
from tflm_bench.generator import KernelSet

from .evaluate import EvaluateRequest, EvaluationReport, evaluate
from .session import BenchOptions, BenchSession


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("tflm-bench")
    group.addoption(
        "--bench-engine", metavar="NAME", choices=tuple(EngineName), default=str(EngineName.default()),
        help=f"engine that runs the firmware: {', '.join(EngineName)} (default: {EngineName.default()})",
    )
    group.addoption(
        "--bench-kernels", metavar="SET", choices=tuple(KernelSet), default=str(KernelSet.default()),
        help=f"kernel set compiled into the firmware: {', '.join(KernelSet)} (default: {KernelSet.default()})",
    )
    group.addoption(
        "--bench-build-dir", metavar="DIR", type=Path, default=None,
        help="where firmware is built and cached (default: $TFLM_BENCH_BUILD or ~/.cache/tflm-bench)",
    )
    group.addoption(
        "--bench-platform", metavar="REPL", type=Path, default=None,
        help="platform description (default: the project's emulation/platforms/nrf52840.repl)",
    )


@pytest.fixture(scope="session")
def bench_options(pytestconfig: pytest.Config) -> BenchOptions:
    """The engine, kernels and platform chosen on the command line (skips, naming why, when the
    engine cannot run here, e.g. "Renode not installed")."""
    engine = pytestconfig.getoption("--bench-engine")
    reason = unavailable_reason(engine)
    if reason is not None:
        pytest.skip(reason)
    return BenchOptions(
        engine=engine,
        platform=pytestconfig.getoption("--bench-platform"),
        kernels=pytestconfig.getoption("--bench-kernels"),
        build_root=pytestconfig.getoption("--bench-build-dir"),
    )


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
def bench_evaluate(bench_options: BenchOptions) -> Callable[..., EvaluationReport]:
    """`bench_evaluate(model, data, **fields)`: evaluate a model on a data set with this session's
    engine, kernels and platform. `fields` are EvaluateRequest's (variants=, calibration=, train=,
    jobs=, limit=, metric=, ...); check the result with tflm_bench.evaluate.check_device_accuracy
    and check_accuracy_drop."""

    def run(model: Path | str, data: Path | str, **fields: object) -> EvaluationReport:
        return evaluate(EvaluateRequest(Path(model), Path(data), options=bench_options, **fields))  # type: ignore[arg-type]

    return run
