"""Reports of one run for people and CI: HTML (self-contained, with figures), Markdown, JUnit XML.

Each writer takes a `BenchReport` plus the baseline/budget `CheckResult`s of the run:

    from tflm_bench.reports import write_reports
    write_reports(report, html=Path("report.html"), markdown=Path("summary.md"), junit=Path("junit.xml"))

What the formats share (per-layer rows, verdict lines) is in rows.py; the writers import it, not
this module, so no writer imports its package back.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from ..checks import CheckResult
from ..report import BenchReport

__all__ = ["write_reports"]


def write_reports(
    report: BenchReport,
    html: Path | None = None,
    markdown: Path | None = None,
    junit: Path | None = None,
    checks: Sequence[CheckResult] = (),
    notes: Sequence[str] = (),
    trace: Path | None = None,
) -> list[Path]:
    """Write the requested formats (parents created); returns the paths written. `trace`: a
    timeline written beside them (--trace), which the HTML report links to."""
    from .html import render_html
    from .junit import render_junit
    from .markdown import render_markdown

    written = []
    if html is not None and trace is not None:
        link = os.path.relpath(Path(trace).resolve(), Path(html).resolve().parent)
        render_html = partial(render_html, trace=link)
    for path, render in ((html, render_html), (markdown, render_markdown), (junit, render_junit)):
        if path is None:
            continue
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(report, checks, notes), encoding="utf-8")
        written.append(path)
    return written
