"""What the report formats share: named per-layer rows with their share of the total, and the
verdict and configuration lines."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..checks import CheckResult
from ..memory_map import short_name
from ..report import BenchReport


@dataclass(frozen=True)
class LayerRow:
    """One layer of the first input's profile, named by op type and output tensor."""

    index: int
    op: str
    output: str  # full output tensor name
    instructions: int
    instructions_share: float  # of the layers' total, 0..1
    estimated_cycles: int | None
    cycles_share: float | None
    macs: int

    @property
    def short_output(self) -> str:
        return short_name(self.output)

    @property
    def label(self) -> str:
        return f"{self.index} {self.op} {self.short_output}".rstrip()


def layer_rows(report: BenchReport) -> tuple[LayerRow, ...]:
    """Per-layer rows in execution order (first input, as the text profile)."""
    profile = report.profile()
    total = sum(p.instructions for p in profile) or 1
    cycles = [p.estimated_cycles for p in profile]
    cycle_total = sum(c for c in cycles if c is not None) or 1
    names = report.layer_outputs
    return tuple(
        LayerRow(
            p.index, p.op_name, names[i] if i < len(names) else "", p.instructions, p.instructions / total,
            p.estimated_cycles, None if p.estimated_cycles is None else p.estimated_cycles / cycle_total, p.macs,
        )
        for i, p in enumerate(profile)
    )


def top_layers(rows: Sequence[LayerRow], count: int = 5) -> list[LayerRow]:
    """The `count` layers with the most instructions, most first (ties: execution order)."""
    return sorted(rows, key=lambda r: (-r.instructions, r.index))[:count]


def verdict_line(report: BenchReport) -> str:
    n = len(report.results)
    exact = sum(r.bit_exact for r in report.results)
    passed = sum(r.passed for r in report.results)
    line = f"{exact}/{n} inputs bit-exact with TFLM"
    if passed != exact:
        line += f", {passed}/{n} within the float tolerance"
    return line


def passed(report: BenchReport, checks: Sequence[CheckResult] = ()) -> bool:
    """The run's overall outcome: every input passes and no check failed."""
    return bool(report.results) and report.all_passed and all(c.passed for c in checks)


def configuration_line(report: BenchReport) -> str:
    return f"kernels {report.kernels or 'unknown'}, engine {report.engine}, runtime {report.runtime}"
