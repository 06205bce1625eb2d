"""int8 activations on the emulated device against TFLM: every one of the 256 input values of
LOGISTIC, TANH, HARD_SWISH, LEAKY_RELU, RELU and RELU6, over several scales and zero points
(including zero points -128 and 127 and extreme scales), all in one firmware (22 layers keep
the model description under the protocol's 1024-byte limit)."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

ALL_INT8 = np.arange(-128, 128, dtype=np.int8)

# (input scale, input zero point, output scale, output zero point) per case; output
# parameters are replaced where TFLM fixes them (LOGISTIC, TANH).
CASES = {
    "LOGISTIC": [(0.0625, -128, None, None), (0.004, 127, None, None), (0.12, 3, None, None), (2.0**-20, 0, None, None)],
    "TANH": [(0.0625, 0, None, None), (0.03, -128, None, None), (0.5, 127, None, None), (2.0**-12, -7, None, None)],
    "HARD_SWISH": [(0.05, -3, 0.03, -100), (0.2, -128, 0.15, 127), (3e-4, 12, 0.2, -20), (0.9, 40, 0.06, -128)],
    "LEAKY_RELU": [(0.05, 10, 0.04, -20), (0.1, -128, 0.1, -128), (0.02, 127, 0.5, 5), (1e-3, 0, 3.0, 0)],
    "RELU": [(0.1, -128, 0.03, 127), (0.02, 127, 0.5, -128), (2.0, -5, 1e-3, 7)],
    "RELU6": [(0.05, 10, 0.07, -3), (0.1, -128, 0.1, -128), (0.02, 127, 0.02, 127)],
}
LEAKY_ALPHAS = (0.2, 1.7, -0.3, 0.01)


def _model() -> LayerModel:
    b = LayerModel()
    for op, cases in CASES.items():
        for k, (s_in, zp_in, s_out, zp_out) in enumerate(cases):
            if op == "LOGISTIC":
                s_out, zp_out = 1.0 / 256.0, -128
            elif op == "TANH":
                s_out, zp_out = 1.0 / 128.0, 0
            x = b.input(f"{op.lower()}_in", (256,), "int8", s_in, zp_in)
            y = b.output(f"{op.lower()}_out", (256,), "int8", s_out, zp_out)
            options = ("LeakyReluOptions", {"alpha": LEAKY_ALPHAS[k]}) if op == "LEAKY_RELU" else None
            b.op(op, [x], [y], options)
    return b


def test_activations_exhaustive_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b = _model()
    rng = np.random.default_rng(3)
    samples = [[ALL_INT8.copy() for _ in b.inputs], [rng.permutation(ALL_INT8) for _ in b.inputs]]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "int8 activations, all 256 inputs")
