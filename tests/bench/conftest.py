"""The digits example (models/digits/, made by models/make_digits_example.py) and its variants,
shared by the evaluation tests. Variants are converted once into the suite's build/ folder and
reused by later runs (keyed by the model, the data and the tool versions)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tflm_bench.cache import cache_root
from tflm_bench.evaluate import EvaluateRequest, EvaluationReport, evaluate
from tflm_bench.session import BenchOptions
from tflm_bench.variants import VariantModel, make_variants

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
