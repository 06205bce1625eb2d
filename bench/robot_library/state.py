"""What the keyword classes of one library instance share: its options, the running session and
the results the checking keywords read."""
from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field

import numpy as np
from pathlib import Path

from robot.api import SkipExecution

from tflm_bench.generator import LibraryProblem, TflmLibraryError

from ..checks import CheckResult
from ..device import BenchDevice
from ..evaluate import EvaluationReport
from ..mlperf_client import MlperfDut
from ..option_table import Option, to_bench_options
from ..report import BenchReport, InputResult
from ..session import BenchOptions, BenchSession


@dataclass(frozen=True)
class ServedMlperf:
    """MLPerf Tiny mode: the served image's emulator and port, and its model."""

    stack: ExitStack
    dut: MlperfDut
    model: Path


def _robot_name(option: Option) -> str:
    return option.name  # errors name the library argument as written in the suite


@dataclass
class LibraryState:
    values: Mapping[str, object]  # the library arguments by option name (option_table.py)
    session_: BenchSession | None = None
    results: list[InputResult] = field(default_factory=list)
    checks: tuple[CheckResult, ...] = ()  # of the last baseline comparison, for the reports
    notes: tuple[str, ...] = ()
    evaluation: EvaluationReport | None = None
    targets: np.ndarray | None = None  # class labels of the samples of the last `Run Inputs From File`
    mlperf: ServedMlperf | None = None
    _built: BenchOptions | None = None

    @property
    def options(self) -> BenchOptions:
        """Built on first use, so a suite without a TFLM library can skip instead of failing to import."""
        if self._built is None:
            try:
                self._built = to_bench_options(self.values, _robot_name)
            except TflmLibraryError as error:
                if error.problem is LibraryProblem.NOT_GIVEN:
                    raise SkipExecution("no TFLM library given: set TFLM_LIB and TFLM_INCLUDE") from error
                raise
        return self._built

    def session(self) -> BenchSession:
        if self.session_ is None:
            raise RuntimeError("no firmware is running: call 'Boot Firmware For Model' first")
        return self.session_

    def device(self) -> BenchDevice:
        return self.session().start()

    def ran(self) -> list[InputResult]:
        if not self.results:
            raise RuntimeError("no inputs were run: call 'Run Random Inputs' first")
        return self.results

    def report(self) -> BenchReport:
        return self.session().report(self.ran())

    def evaluated(self) -> EvaluationReport:
        if self.evaluation is None:
            raise RuntimeError("no evaluation was run: call 'Evaluate Model On Dataset' first")
        return self.evaluation

    def served(self) -> ServedMlperf:
        if self.mlperf is None:
            raise RuntimeError("no MLPerf firmware is served: call 'Serve MLPerf Firmware For Model' first")
        return self.mlperf

