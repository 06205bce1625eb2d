"""The sine model end to end on the emulated nRF52840, against TFLM and TFLite."""
from __future__ import annotations

import numpy as np

from tflm_bench.session import BenchSession


def test_every_int8_input_is_bit_exact_with_tflm(bench_session, sine_model) -> None:  # type: ignore[no-untyped-def]
    session = bench_session(sine_model)
    samples = [[np.array([[value]], dtype=np.int8)] for value in range(-128, 128)]
    results = session.run_samples(samples)
    assert len(results) == 256
    mismatched = [(r.index, r.outputs[0].vs_tflm) for r in results if not r.bit_exact]
    assert not mismatched, f"inputs differing from TFLM: {mismatched[:10]}"
    # One inference of three small FULLY_CONNECTED layers: counted, and split over the layers.
    for result in results:
        assert result.instructions > 0 and len(result.layer_instructions) == 3
        assert sum(result.layer_instructions) < result.instructions


def test_tflite_reference_difference_is_measured(bench_session, sine_model) -> None:  # type: ignore[no-untyped-def]
    session = bench_session(sine_model)
    results = session.run_samples(session.random_samples(16, seed=2))
    for result in results:
        difference = result.outputs[0].vs_tflite_ref
        assert difference is not None and difference.unit == "LSB"


def test_two_runs_give_identical_outputs_and_counts(sine_model, bench_options) -> None:  # type: ignore[no-untyped-def]
    def one_run() -> tuple[list[bytes], list[int], list[tuple[int, ...]], int]:
        with BenchSession(sine_model, bench_options) as session:
            samples = session.random_samples(12, seed=9)
            device = session.start()
            outputs, totals, layers = [], [], []
            for sample in samples:
                device.set_input(0, sample[0])
                invoke = device.invoke()
                outputs.append(device.get_output(0).tobytes())
                totals.append(invoke.total_cycles)
                layers.append(invoke.layer_cycles)
            # Renode runs the firmware freely, so its total includes the host-timed polling for UART
            # input: only the built-in engine (which stops while the firmware waits) repeats it.
            total = device.engine.executed_instructions if bench_options.engine == "builtin" else None
            return outputs, totals, layers, total

    assert one_run() == one_run()
