"""What `tflm-bench run` does after the run: reports, baseline checks; and `tflm-bench baseline save`.

Kept apart from cli.py so the command line only registers these flags and calls `finish`:

    add_run_arguments(run_parser)              # --report --markdown --junit --baseline --tolerance --update-baseline
    outputs = RunOutputs.from_args(args)       # before the run: a bad tolerance or baseline is exit 2 at once
    report = run_bench(...)
    return outputs.finish(report)              # 0 pass, 1 mismatch or regression, 2 baseline unusable
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Sequence
from typing import TYPE_CHECKING, Callable, TextIO

from . import baseline as baselines
from .baseline import Baseline, BaselineError, Comparison, Tolerance, ToleranceError, parse_tolerance
from .checks import CheckResult
from .progress import Progress
from .report import BenchReport
from .reports import write_reports
from .shards import shard_argument
from .trace import Phase, report_trace, write_trace

if TYPE_CHECKING:
    from .session import BenchOptions

DEFAULT_BASELINE = Path("bench-baseline.json")


def tolerance_argument(text: str) -> Tolerance:
    """argparse type: a syntax error becomes argparse's own exit 2 with our message."""
    try:
        return parse_tolerance(text)
    except ToleranceError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def add_run_arguments(run: argparse.ArgumentParser, trace: bool = True) -> None:
    """The reports and baseline options of `run` (and, without --trace, of `evaluate`)."""
    group = run.add_argument_group("reports and baselines")
    group.add_argument("--report", type=Path, metavar="FILE.html",
                       help="write a self-contained HTML report (verdict, figures and checks)")
    group.add_argument("--markdown", type=Path, metavar="FILE.md",
                       help="write a short Markdown summary (fits $GITHUB_STEP_SUMMARY)")
    group.add_argument("--junit", type=Path, metavar="FILE.xml",
                       help="write JUnit XML: one testcase per input or variant check and per baseline check")
    if trace:
        group.add_argument("--trace", type=Path, metavar="FILE.json",
                           help="write the first input's per-layer timeline and the run's phases in the Trace "
                                "Event Format (open it in Perfetto or Speedscope)")
    group.add_argument("--baseline", type=Path, metavar="FILE",
                       help="compare with this baseline (tflm-bench baseline save); exit 1 on a regression")
    group.add_argument("--tolerance", type=tolerance_argument, metavar="SPEC",
                       help=f"allowed regressions (default: {baselines.DEFAULT_TOLERANCE.replace('%', '%%')}); "
                            "N%% of the old figure, N absolute, Npp accuracy points")
    group.add_argument("--update-baseline", action="store_true",
                       help="record this run in --baseline (added or replacing its model+configuration entry)")


@dataclass
class RunOutputs:
    html: Path | None = None
    markdown: Path | None = None
    junit: Path | None = None
    baseline_path: Path | None = None
    tolerance: Tolerance = field(default_factory=lambda: parse_tolerance(None))
    update: bool = False
    baseline: Baseline | None = None  # loaded before the run, so a bad file fails fast
    trace: Path | None = None
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> RunOutputs:
        """Check the flags and load the baseline; raises BaselineError (exit 2) when unusable."""
        path = getattr(args, "baseline", None)
        update = bool(getattr(args, "update_baseline", False))
        tolerance = getattr(args, "tolerance", None)
        if path is None and (update or tolerance is not None):
            raise BaselineError(f"{'--update-baseline' if update else '--tolerance'} needs --baseline FILE")
        loaded = None
        if path is not None:
            loaded = Baseline.load_or_empty(path) if update else Baseline.load(path)
        return cls(getattr(args, "report", None), getattr(args, "markdown", None), getattr(args, "junit", None),
                   path, tolerance or parse_tolerance(None), update, loaded, getattr(args, "trace", None))

    def finish(self, report: BenchReport, phases: Sequence[Phase] = ()) -> int:
        """Compare or update the baseline, write the reports (and the trace, with the run's
        phases); the run's exit code."""
        code = 0 if report.all_passed else 1
        checks: tuple[CheckResult, ...] = ()
        notes: tuple[str, ...] = ()
        problem: BaselineError | None = None
        if self.baseline is not None and self.baseline_path is not None:
            try:
                comparison = self._compare(report)
            except BaselineError as error:
                problem = error
            else:
                if comparison is not None:
                    print(comparison.format_text(), file=self.out)
                    if self.update:
                        # Recording, not gating: what moved goes into the reports as notes, so
                        # JUnit shows no failed checks for a run that exits 0.
                        notes = (*comparison.notes, f"baseline updated: {len(comparison.regressions)} "
                                 f"regressions and {len(comparison.improvements)} improvements recorded")
                    else:
                        checks, notes = comparison.checks, comparison.notes
                        if not comparison.passed:
                            code = max(code, 1)
            if self.update:
                entry, replaced = baselines.update(self.baseline_path, report)
                print(f"baseline: {'replaced' if replaced else 'added'} {entry.model} [{entry.configuration}] "
                      f"in {self.baseline_path}", file=self.out)
                problem = None  # the missing entry has just been recorded
        if self.trace is not None:
            print(f"wrote {write_trace(self.trace, report_trace(report, phases))}", file=self.out)
        for path in write_reports(report, self.html, self.markdown, self.junit, checks, notes, self.trace):
            print(f"wrote {path}", file=self.out)
        if problem is not None:
            print(f"tflm-bench: error: {problem}", file=self.err)
            return 2
        return code

    def _compare(self, report: BenchReport) -> Comparison | None:
        assert self.baseline is not None
        if self.update and not self.baseline.entries:
            return None  # a new file: nothing to compare with yet
        return baselines.compare(report, self.baseline, self.tolerance)


# -- tflm-bench baseline save ---------------------------------------------------------------------


def add_baseline_command(commands: argparse._SubParsersAction,  # type: ignore[type-arg]
                         add_bench_options: Callable[[argparse.ArgumentParser], None]) -> None:
    baseline = commands.add_parser("baseline", help="record baselines to compare later runs with")
    actions = baseline.add_subparsers(dest="baseline_command", required=True)
    save = actions.add_parser("save", help="run each model and record its figures in a baseline file")
    save.add_argument("models", nargs="+", type=Path, metavar="MODEL", help=".tflite models")
    save.add_argument("-o", "--output", type=Path, default=DEFAULT_BASELINE,
                      help=f"baseline file; entries of other models/configurations are kept (default: {DEFAULT_BASELINE})")
    add_bench_options(save)
    save.add_argument("--count", type=int, default=10, help="seeded random inputs per model (default: 10)")
    save.add_argument("--seed", type=int, default=0, help="seed for the inputs (default: 0)")
    save.add_argument("--shard", type=shard_argument, metavar="I/N",
                      help="save the I-th of N equal slices of the models, for a CI matrix; `tflm-bench merge` "
                           "puts the baseline files together")


def save_baseline(args: argparse.Namespace, options: BenchOptions, out: TextIO | None = None) -> int:
    """`baseline save`: run every model, record each; 1 if a model's outputs mismatched TFLM."""
    from .session import run_bench

    out = out or sys.stdout
    baseline = Baseline.load_or_empty(args.output)
    failed = []
    progress = Progress()
    models = args.shard.take(args.models) if getattr(args, "shard", None) else list(args.models)
    for number, model in enumerate(models, 1):
        # One status line at a time on a terminal: models are announced as notes, inputs counted.
        progress.note(f"model {number}/{len(models)}: {model}")
        report = run_bench(model, None, args.count, args.seed, options, progress=progress)
        entry = baselines.entry_from_report(report)
        replaced = baseline.upsert(entry)
        print(f"{'replaced' if replaced else 'added'} {entry.model} [{entry.configuration}]: "
              f"verdict {entry.verdict}, {entry.instructions:,} "
              f"{'DWT cycles' if report.config.count_unit == 'cycles' else 'instructions'} per inference", file=out)
        if entry.verdict != "pass":
            failed.append(entry.model)
    baseline.save(args.output)
    print(f"wrote {args.output} ({len(baseline.entries)} entries)", file=out)
    if failed:
        print(f"tflm-bench: recorded failing verdicts for {', '.join(failed)}: outputs differ from TFLM",
              file=sys.stderr)
        return 1
    return 0
