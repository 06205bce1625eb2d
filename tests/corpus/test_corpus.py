"""Every model of TFLM's own repository (../shared/corpus/tflite-micro) on the emulated device.

Each model either runs bit-exact with host TFLM (float32 within the bench's tolerance), and the
SEANet layers also match their golden outputs (within 1 for LEAKY_RELU, as TFLM's tests allow), or
it is listed in tests/corpus/expected.py and refused for exactly the reason listed there.

scripts/test.sh runs this folder as a step of its own (after the rest of pytest) so its time shows;
`tflm-bench corpus ../shared/corpus/tflite-micro` prints the same outcomes as a table.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from corpus.expected import EXPECTED_REFUSALS, Refusal
from tflm_bench.corpus import Outcome, Status, find_models, golden_files, run_model
from tflm_bench.session import BenchOptions

ROOT = Path(__file__).resolve().parents[2]
# CI checks the project out beside ../shared; TFLM_BENCH_CORPUS points elsewhere.
CORPUS = Path(os.environ.get("TFLM_BENCH_CORPUS", ROOT.parent / "shared" / "corpus" / "tflite-micro"))
MISSING = f"the TFLM model corpus is not at {CORPUS} (set TFLM_BENCH_CORPUS to its tflite-micro folder)"
MODELS = find_models(CORPUS) if CORPUS.is_dir() else []
EXPECTED_FILE = "tests/corpus/expected.py"


def _refused_as_listed(outcome: Outcome, expected: Refusal) -> None:
    section = "PENDING" if expected.pending else "KNOWN"
    if outcome.status is not Status.REFUSED:
        pytest.fail(f"{outcome.model} is listed in {EXPECTED_FILE} ({section}: {expected.kind}, "
                    f"'{expected.reason}') but the bench now gives: {outcome.status}"
                    f"{' (' + outcome.kind + ': ' + outcome.reason + ')' if outcome.reason else ''}. "
                    f"If it runs, delete its entry there.")
    assert outcome.kind == expected.kind and expected.reason in outcome.reason, (
        f"{outcome.model} is refused for another reason than {EXPECTED_FILE} lists ({section}: {expected.kind}, "
        f"'{expected.reason}'): {outcome.kind}: {outcome.reason}. Update its entry."
    )


@pytest.mark.skipif(not MODELS, reason=MISSING)
@pytest.mark.parametrize("model", MODELS)
def test_corpus_model(model: str, bench_options: BenchOptions) -> None:
    outcome = run_model(CORPUS, model, bench_options)
    expected = EXPECTED_REFUSALS.get(model)
    if expected is not None:
        _refused_as_listed(outcome, expected)
        return
    assert outcome.status in (Status.EXACT, Status.TOLERANCE), (
        f"{model}: {outcome.status}: {outcome.kind + ': ' if outcome.kind else ''}{outcome.reason}"
        + (f" (if the bench must refuse it, list it in {EXPECTED_FILE})" if outcome.status is Status.REFUSED else "")
    )
    assert outcome.golden_checked == (golden_files(CORPUS / model) is not None)


@pytest.mark.skipif(not MODELS, reason=MISSING)
def test_the_table_lists_only_corpus_models() -> None:
    stale = sorted(set(EXPECTED_REFUSALS) - set(MODELS))
    assert not stale, f"{EXPECTED_FILE} lists models that are not in {CORPUS}: {stale}"


@pytest.mark.skipif(not MODELS, reason=MISSING)
def test_every_seanet_layer_has_golden_files() -> None:
    seanet = [m for m in MODELS if "/integration_tests/seanet/" in m]
    assert len(seanet) == 127
    assert [m for m in seanet if golden_files(CORPUS / m) is None] == []
