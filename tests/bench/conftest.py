"""Fixtures shared by the report tests: one `tflm-bench run` per model, with every report written."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tflm_bench.cli import main

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class CliRun:
    code: int
    out: str
    html: Path
    markdown: Path
    junit: Path
    inputs: int


@pytest.fixture(scope="session")
def cli_reports(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str, int], CliRun]:
    """`cli_reports("sine_int8", 5)`: run that model once per session with --report --markdown --junit."""
    runs: dict[tuple[str, int], CliRun] = {}

    def run(model: str, count: int) -> CliRun:
        key = (model, count)
        if key not in runs:
            folder = tmp_path_factory.mktemp(f"reports-{model}")
            html, markdown, junit = folder / "report.html", folder / "summary.md", folder / "junit.xml"
            import contextlib
            import io

            out = io.StringIO()
            with contextlib.redirect_stdout(out):
                code = main(["run", str(ROOT / "models" / f"{model}.tflite"), "--count", str(count), "--seed", "4",
                             "--no-tflite", "--report", str(html), "--markdown", str(markdown),
                             "--junit", str(junit)])
            runs[key] = CliRun(code, out.getvalue(), html, markdown, junit, count)
        return runs[key]

    return run
