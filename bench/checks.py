"""The outcome of one check beyond the per-input verdict: a baseline metric or a budget.

Reports list them (HTML, Markdown) and JUnit makes each one a testcase, so a CI system shows
"baseline: instructions per inference" failing beside the inputs that passed.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CheckResult:
    name: str  # e.g. "baseline: instructions per inference"
    passed: bool
    message: str  # one line: what was compared, old -> new, the tolerance
    details: tuple[str, ...] = ()  # further lines, e.g. one per regressed layer
    skipped: bool = False  # not applicable on this run (an engine without estimated cycles)
    group: str = "baseline"

    @property
    def status(self) -> str:
        return "skipped" if self.skipped else ("passed" if self.passed else "failed")
