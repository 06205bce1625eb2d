"""Fixtures shared by the bench tests: one `tflm-bench run` per model with every report written, and
the digits example (models/digits/, made by models/make_digits_example.py) with its variants,
converted once into the suite's build/ folder and reused by later runs."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tflm_bench.cli import main
import numpy as np
from tflm_bench.cache import cache_root
from tflm_bench.evaluate import EvaluateRequest, EvaluationReport, evaluate
from tflm_bench.session import BenchOptions
from tflm_bench.variants import VariantModel, make_variants

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





DIGITS = Path(__file__).resolve().parents[2] / "models" / "digits"
SAMPLES = 100  # of the 600 held-out digits: enough to compare, quick on the device
ALL_VARIANTS = ("float", "dynamic", "int8", "uint8-io", "qat")


@pytest.fixture(scope="session")
def digits() -> Path:
    return DIGITS


@pytest.fixture(scope="session")
def digits_variants() -> dict[str, VariantModel]:
    made = make_variants(DIGITS / "digits_cnn.keras", ALL_VARIANTS, np.load(DIGITS / "calibration.npy"), cache_root(),
                         DIGITS / "train.npz", qat_epochs=1)
    return {v.name: v for v in made}


@pytest.fixture(scope="session")
def digits_report(digits_variants: dict[str, VariantModel], bench_options: BenchOptions) -> EvaluationReport:
    """All five variants of the digits CNN on 100 test digits (conversions reused from the fixture above)."""
    return evaluate(EvaluateRequest(
        DIGITS / "digits_cnn.keras", DIGITS / "test.npz", options=bench_options, variants=ALL_VARIANTS,
        calibration=DIGITS / "calibration.npy", train=DIGITS / "train.npz", qat_epochs=1, limit=SAMPLES, jobs=1,
    ))
