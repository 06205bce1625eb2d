"""The outcome of one check beyond the per-input verdict: a baseline metric or a budget.

Reports list them (HTML, Markdown) and JUnit makes each one a testcase, so a CI system shows
"baseline: instructions per inference" failing beside the inputs that passed.
"""
from __future__ import annotations

from collections.abc import Sequence
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


def checks_summary(checks: Sequence[CheckResult]) -> str:
    """The one count every output gives (terminal, HTML, Markdown; JUnit's failures are the same
    checks): "2 of 14 checks failed (17 figures regressed)", or "14 checks passed"."""
    failed = [c for c in checks if not c.passed]
    if not failed:
        return f"{len(checks)} checks passed"
    figures = sum(1 + len(c.details) for c in failed)
    return f"{len(failed)} of {len(checks)} checks failed ({figures} figure{'s' if figures != 1 else ''} regressed)"
