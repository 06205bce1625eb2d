"""TFLM's micro_speech audio front end from the shared model corpus (../shared beside the
checkout, as in CI): audio_preprocessor_int8 and _float, made of the signal library's custom
operators (window, FFT, filter bank, noise reduction with state, PCAN, log) and int32 builtins,
run bit-exact with host TFLM over samples in a row (the spectral subtraction's noise estimate
carries from one to the next on both sides), and tflm-bench diff matches every layer over several
samples (the state is reset before each partial inference, as diff's fresh host TFLM starts),
but for the SignalEnergy elements TFLM leaves unwritten."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tflm_bench.layer_diff import diff_model
from tflm_bench.session import BenchOptions, BenchSession

REPO = Path(__file__).resolve().parents[2]
MODELS = (REPO.parent / "shared" / "corpus" / "tflite-micro" / "tensorflow" / "lite" / "micro" / "examples"
          / "micro_speech" / "models")
needs_corpus = pytest.mark.skipif(not MODELS.is_dir(),
                                  reason=f"the shared model corpus is not at {MODELS} (CI puts ../shared there)")
SAMPLES = 5
NAMES = ("audio_preprocessor_int8.tflite", "audio_preprocessor_float.tflite")


@needs_corpus
@pytest.mark.parametrize("name", NAMES)
def test_audio_preprocessor_is_bit_exact(name: str, bench_options: BenchOptions) -> None:
    with BenchSession(MODELS / name, replace(bench_options, compare_tflite=False)) as session:
        results = session.run_samples(session.random_samples(SAMPLES, seed=7))
    misses = [f"input {r.index} output {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} "
              f"{o.vs_tflm.unit})" for r in results for o in r.outputs if not o.vs_tflm.exact]
    assert len(results) == SAMPLES and not misses, f"{name} differs from TFLM: " + "; ".join(misses)


# SignalEnergy writes only its start_index..end_index (5..241 here); TFLM leaves the rest of its
# output as its arena held it, which the model then slices away. Our kernel writes zeros there,
# so that layer and the CAST of it (layers 4 and 5) differ there only, and nothing after them.
UNWRITTEN_BY_TFLM = {4: 257 - (241 - 5), 5: 257 - (241 - 5)}


@needs_corpus
def test_layer_diff_of_the_stateful_front_end_matches_every_layer(bench_options: BenchOptions) -> None:
    path = MODELS / "audio_preprocessor_int8.tflite"
    with BenchSession(path, replace(bench_options, compare_tflite=False)) as session:
        report = diff_model(session, session.random_samples(3, seed=5))
    bad: list[tuple[int, int]] = []
    for sample in report.samples:
        for layer in sample.layers:
            assert layer.difference is not None
            allowed = UNWRITTEN_BY_TFLM.get(layer.layer, 0)
            if layer.difference.mismatches > allowed:
                bad.append((sample.sample, layer.layer))
    assert not bad, f"(sample, layer) beyond TFLM's unwritten elements: {bad}\n{report.format_text()}"
