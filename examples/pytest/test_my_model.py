"""tflm-bench from pytest: my_model.tflite next to this file, checked on the emulated Nano 33 BLE."""
from pathlib import Path

MODEL = Path(__file__).parent / "my_model.tflite"


def test_outputs_are_bit_exact_with_tflm(bench_session):
    session = bench_session(MODEL)  # built and booted once per test session
    results = session.run_samples(session.random_samples(20, seed=1))
    assert all(r.bit_exact for r in results)
    assert max(r.instructions for r in results) <= 150_000  # an instruction budget


def test_real_samples_are_bit_exact_with_tflm(bench_session):
    session = bench_session(MODEL)
    results = session.run_samples(session.load_samples(MODEL.parent / "samples.npy"))
    assert all(r.bit_exact for r in results)


def test_figures_match_the_baseline(bench_session, bench_baseline):
    # skipped unless pytest gets --bench-baseline bench-baseline.json
    session = bench_session(MODEL)
    report = session.report(session.run_samples(session.random_samples(8, seed=1)))
    bench_baseline(report)
