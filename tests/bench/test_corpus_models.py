"""TFLM's own benchmark models from the shared model corpus (../shared beside the checkout, as in
CI): keyword_scrambled (SVDF with int16 state, SOFTMAX int8 -> int16, QUANTIZE int16 -> int8 and
int16 -> int32) and its 8-bit variant (int8 state), and person_detect (per-channel biases with a
quantized dimension they lack, which TFLM ignores) run bit-exact with host TFLM; the Vela-compiled
person_detect is refused for what it is, an Ethos-U NPU command stream."""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tflm_bench.generator import KernelSet
from tflm_bench.generator.errors import CustomOpError
from tflm_bench.generator.tflite_reader import read_tflite
from tflm_bench.generator.validate import validate
from tflm_bench.layer_diff import diff_model
from tflm_bench.session import BenchOptions, BenchSession

REPO = Path(__file__).resolve().parents[2]
CORPUS_MODELS = REPO.parent / "shared" / "corpus" / "tflite-micro" / "tensorflow" / "lite" / "micro" / "models"
needs_corpus = pytest.mark.skipif(not CORPUS_MODELS.is_dir(),
                                  reason=f"the shared model corpus is not at {CORPUS_MODELS} (CI puts ../shared there)")
SAMPLES = 4  # in a row on one device: the keyword models' SVDF state carries from one to the next

RUNS = [("keyword_scrambled.tflite", KernelSet.OPTIMIZED), ("keyword_scrambled.tflite", KernelSet.REFERENCE),
        ("keyword_scrambled_8bit.tflite", KernelSet.OPTIMIZED), ("person_detect.tflite", KernelSet.OPTIMIZED)]


@needs_corpus
@pytest.mark.parametrize(("name", "kernels"), RUNS, ids=[f"{n.removesuffix('.tflite')}-{k}" for n, k in RUNS])
def test_tflm_benchmark_model_is_bit_exact(name: str, kernels: KernelSet, bench_options: BenchOptions) -> None:
    options = replace(bench_options, compare_tflite=False, kernels=kernels)
    with BenchSession(CORPUS_MODELS / name, options) as session:
        results = session.run_samples(session.random_samples(SAMPLES, seed=3))
    misses = [f"input {r.index} output {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff} "
              f"{o.vs_tflm.unit})" for r in results for o in r.outputs if not o.vs_tflm.exact]
    assert len(results) == SAMPLES and not misses, f"{name} ({kernels}) differs from TFLM: " + "; ".join(misses)


@needs_corpus
def test_vela_compiled_model_is_refused_as_an_npu_command_stream() -> None:
    with pytest.raises(CustomOpError) as info:
        validate(read_tflite(CORPUS_MODELS / "person_detect_vela.tflite"))
    assert "custom operator 'ethos-u' (an Arm Ethos-U NPU command stream compiled by Vela)" in str(info.value)
    assert str(info.value).endswith("run the model before Vela compilation")


@needs_corpus
def test_tflite_s_stricter_refusal_is_reported_as_such(bench_options: BenchOptions) -> None:
    # TFLite's interpreter refuses person_detect's biases (quantized dimension 3 of a 1-D tensor),
    # which TFLM ignores: the run compares with TFLM only and says why, without calling it a gap.
    options = replace(bench_options, compare_tflite=True)
    with BenchSession(CORPUS_MODELS / "person_detect.tflite", options) as session:
        results = session.run_samples(session.random_samples(1, seed=3))
        refusal = session.tflite_refusal or ""
    assert all(o.vs_tflm.exact for r in results for o in r.outputs)
    assert "compared with TFLM only" in refusal and "quantized_dimension" in refusal
    assert "validation gap" not in refusal


@needs_corpus
def test_layer_diff_of_a_stateful_model_matches_every_layer(bench_options: BenchOptions) -> None:
    # diff runs each layer's prefix once per layer: the firmware resets the SVDF state before every
    # partial inference and diff loads host TFLM afresh per sample, so both start from the same state.
    with BenchSession(CORPUS_MODELS / "keyword_scrambled.tflite", replace(bench_options, compare_tflite=False)) as session:
        report = diff_model(session, session.random_samples(2, seed=5))
    assert report.all_passed, report.format_text()
