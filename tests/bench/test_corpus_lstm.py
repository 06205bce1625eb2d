"""The four LSTM models of TFLM's own repository (the corpus) run on the emulated device as
`tflm-bench run PATH --count 2` runs them: the same seeded random inputs, one after the other, so
the second input also checks the LSTM state the first left (variable tensors kept between
inferences, as the host-TFLM oracle keeps its interpreter)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tflm_bench.session import BenchOptions, BenchSession

CORPUS = Path(os.environ.get("TFLM_BENCH_CORPUS", "/work/shared/corpus/tflite-micro"))
INT8_MODELS = (
    "tensorflow/lite/micro/examples/mnist_lstm/trained_lstm_int8.tflite",
    "third_party/xtensa/examples/micro_speech_lstm/micro_speech_lstm.tflite",
    "tensorflow/lite/micro/examples/dtln/dtln_noise_suppression.tflite",
)
FLOAT_MODEL = "tensorflow/lite/micro/examples/mnist_lstm/trained_lstm.tflite"


def _run(relative: str, options: BenchOptions):  # type: ignore[no-untyped-def]
    path = CORPUS / relative
    if not path.exists():
        pytest.skip(f"the TFLM model corpus is not at {CORPUS} (set TFLM_BENCH_CORPUS to its tflite-micro folder)")
    session_options = BenchOptions(engine=options.engine, platform=options.platform, build_root=options.build_root,
                                   compare_tflite=False, kernels=options.kernels)
    with BenchSession(path, session_options) as session:
        return session.run_samples(session.random_samples(2, seed=0))


@pytest.mark.parametrize("relative", INT8_MODELS)
def test_corpus_int8_lstm_bit_exact(relative: str, bench_options) -> None:  # type: ignore[no-untyped-def]
    results = _run(relative, bench_options)
    bad = [f"input {r.index} output {o.index}: {o.vs_tflm.mismatches} differ (max {o.vs_tflm.max_diff})"
           for r in results for o in r.outputs if not o.vs_tflm.exact]
    assert not bad, f"{relative}: " + "; ".join(bad)


def test_corpus_float_lstm_within_tolerance(bench_options) -> None:  # type: ignore[no-untyped-def]
    # The LSTM itself is bit-exact; the float SOFTMAX after it calls the target's expf, an ULP
    # off now and then, which the bench's float tolerance covers.
    results = _run(FLOAT_MODEL, bench_options)
    bad = [f"input {r.index} output {o.index}: max {o.vs_tflm.max_diff} ULP"
           for r in results for o in r.outputs if not o.vs_tflm.within_tolerance]
    assert not bad, f"{FLOAT_MODEL}: " + "; ".join(bad)


def test_layer_diff_of_a_stateful_model_matches_every_layer(bench_options) -> None:  # type: ignore[no-untyped-def]
    # tflm-bench diff runs the first k layers of a sample for every k: the partial runs must leave
    # the LSTM states alone, or the second sample's layers compare different states.
    from tflm_bench.layer_diff import diff_model

    path = CORPUS / INT8_MODELS[2]  # dtln: two stacked LSTMs, one time step per inference
    if not path.exists():
        pytest.skip(f"the TFLM model corpus is not at {CORPUS} (set TFLM_BENCH_CORPUS to its tflite-micro folder)")
    options = BenchOptions(engine=bench_options.engine, platform=bench_options.platform,
                           build_root=bench_options.build_root, compare_tflite=False, kernels=bench_options.kernels)
    with BenchSession(path, options) as session:
        report = diff_model(session, session.random_samples(3, seed=0))
    bad = [f"input {s.sample} layer {d.layer}: {d.verdict()}" for s in report.samples for d in s.layers
           if d.difference is None or not d.difference.exact]
    assert not bad, "; ".join(bad)
