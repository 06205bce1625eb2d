"""A short Markdown summary for `$GITHUB_STEP_SUMMARY`: verdict table, top layers, failed checks.

GitHub renders the summary as GitHub-flavoured Markdown and caps it (1 MiB per step), so this
stays a few dozen lines whatever the model: the full detail is the HTML report's job.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..checks import CheckResult, checks_summary
from ..report import BenchReport
from .rows import configuration_line, layer_rows, passed, top_layers, verdict_line

TOP_LAYERS = 5
MAX_CHECK_LINES = 10


def _cell(text: str) -> str:
    """Table cells must not contain a raw '|' or a line break."""
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: BenchReport, checks: Sequence[CheckResult] = (), notes: Sequence[str] = ()) -> str:
    ok = passed(report, checks)
    name = Path(report.model).name
    m = report.memory
    counts = [r.instructions for r in report.results]
    estimates = [r.estimated_cycles for r in report.results if r.estimated_cycles is not None]
    failed = [c for c in checks if not c.passed]
    rows = [
        ("verdict", f"**{'PASS' if ok else 'FAIL'}**: {verdict_line(report)}"),
        ("configuration", configuration_line(report)),
        ("model sha256", f"`{report.model_sha256[:16]}`"),
    ]
    if counts:
        rows.append((f"{report.count_label} / inference", f"{max(counts):,}" if min(counts) == max(counts)
                     else f"{min(counts):,} - {max(counts):,}"))
    if estimates:
        rows.append(("est. cycles / inference",
                     f"{max(estimates):,} ({report.config.time_at_clock(max(estimates))}, estimated)"))
    if report.energy is not None:
        rows.append(("energy / inference", report.energy.summary()))
    rows.append(("flash / RAM / arena", f"{m.flash_bytes:,} B / {m.ram_bytes:,} B / {m.arena_bytes:,} B"))
    rows += [(f"{t.role} {t.position}", t.describe().split(" ", 2)[2]) for t in report.io]
    weighted = [layer for layer in report.layers if layer.weight_layout]
    if weighted:
        rows.append((f"weights flash (optimize {report.config.optimize})",
                     ", ".join(f"L{l.index} {l.weight_layout} {l.flash_bytes:,} B" for l in weighted)))
    if checks:
        rows.append(("checks", checks_summary(checks)))
    lines = [f"### tflm-bench: {'PASS' if ok else 'FAIL'} `{_cell(name)}`", "", "| | |", "|---|---|"]
    lines += [f"| {k} | {_cell(v)} |" for k, v in rows]

    top = top_layers(layer_rows(report), TOP_LAYERS)
    if top:
        lines += ["", f"**Top {len(top)} layers** (first input, by {report.count_label})", "",
                  f"| # | op | output | {report.count_label} | % | est. cycles |", "|---:|---|---|---:|---:|---:|"]
        for r in top:
            cycles = "-" if r.estimated_cycles is None else f"{r.estimated_cycles:,}"
            lines.append(f"| {r.index} | {r.op} | `{_cell(r.short_output[:48])}` | {r.instructions:,} | "
                         f"{r.instructions_share:.1%} | {cycles} |")
    if failed:
        lines += ["", "**Failed checks**", ""]
        shown = [line for c in failed for line in (c.message, *c.details)]
        lines += [f"- {_cell(line)}" for line in shown[:MAX_CHECK_LINES]]
        if len(shown) > MAX_CHECK_LINES:
            lines.append(f"- ... and {len(shown) - MAX_CHECK_LINES} more (see the HTML or JUnit report)")
    if notes:
        lines += [""] + [f"> {_cell(n)}" for n in notes]
    return "\n".join(lines) + "\n"
