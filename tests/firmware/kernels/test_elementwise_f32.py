"""float32 ADD, SUB, MUL, SOFTMAX, LOGISTIC, TANH, RELU and RELU6 on the emulated device
against TFLM.

Tolerances, in ULP (tflm_bench.compare.difference):
- ADD, SUB, MUL, RELU, RELU6: 0. One IEEE operation (or a comparison) per element, the same on
  the Cortex-M4F FPU as on the host.
- SOFTMAX, LOGISTIC, TANH: at most 4. They call expf/tanhf, and the device uses newlib-nano's
  libm while host TFLM uses glibc's; each is within about 1-2 ULP of the true value, and
  softmax adds a sum and a division (each a further half ULP). 4 ULP bounds the combination
  with a margin; a wrong formula or a wrong order of operations shows up as far more.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import run_on_device
from support.tflite_builder import build_tflite

EXACT = 0
LIBM_ULP = 4
ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


def _model() -> tuple[LayerModel, list[int], list[tuple[float, float]]]:
    """The model, each output's ULP tolerance, and each input's value range."""
    b = LayerModel()
    tolerances: list[int] = []
    ranges: list[tuple[float, float]] = []

    def inp(shape: tuple[int, ...], low: float = -8.0, high: float = 8.0) -> int:
        ranges.append((low, high))
        return b.input("x", shape, "float32")

    binary = [  # (op, output shape, input1 shape, input2 shape or None for a constant)
        ("ADD", (2, 3, 5), (2, 3, 5), (2, 3, 5)),
        ("ADD", (4, 1, 7), (4, 1, 7), (7,)),
        ("SUB", (3, 5), (3, 1), (1, 5)),
        ("MUL", (2, 2, 3, 3), (2, 1, 3, 1), (1, 2, 1, 3)),
        ("MUL", (9,), (9,), ()),
        ("ADD", (2, 6), (2, 6), None),
    ]
    for k, (op, out_shape, shape1, shape2) in enumerate(binary):
        x1 = inp(shape1)
        if shape2 is None:
            constant = np.linspace(-3.0, 3.0, int(np.prod(out_shape))).astype(np.float32).reshape(out_shape)
            x2 = b.tensor("const", out_shape, "float32", data=constant)
        else:
            x2 = inp(shape2)
        y = b.output("y", out_shape, "float32")
        options = {"ADD": "AddOptions", "SUB": "SubOptions", "MUL": "MulOptions"}[op]
        b.op(op, [x1, x2], [y], (options, {"fusedActivationFunction": ACTIVATIONS[k % 4]}))
        tolerances.append(EXACT)
    for op, shape, low, high, tolerance in (
        ("RELU", (3, 7), -8.0, 8.0, EXACT),
        ("RELU6", (3, 7), -8.0, 12.0, EXACT),
        ("LOGISTIC", (64,), -25.0, 25.0, LIBM_ULP),
        ("TANH", (64,), -12.0, 12.0, LIBM_ULP),
    ):
        x = inp(shape, low, high)
        y = b.output("y", shape, "float32")
        b.op(op, [x], [y])
        tolerances.append(tolerance)
    for shape, beta in (((3, 10), 1.0), ((2, 2, 7), 0.3), ((1, 1), 1.0)):
        x = inp(shape, -10.0, 10.0)
        y = b.output("y", shape, "float32")
        b.op("SOFTMAX", [x], [y], ("SoftmaxOptions", {"beta": beta}))
        tolerances.append(LIBM_ULP)
    return b, tolerances, ranges


def test_float_ops_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b, tolerances, ranges = _model()
    rng = np.random.default_rng(21)
    samples = [
        [rng.uniform(low, high, b.tensors[i].shape).astype(np.float32) for i, (low, high) in zip(b.inputs, ranges)]
        for _ in range(4)
    ]
    # Extremes: huge magnitudes (sums overflow to inf and are clamped), zeros of both signs.
    extremes = np.array([3e38, -3e38, 0.0, -0.0, 1e-40, -1e-40, 6.0, -9.0, 16.62], np.float32)
    samples.append([np.resize(extremes, b.tensors[i].shape).astype(np.float32) for i in b.inputs])
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    bad = [
        f"sample {r.index} output {o.index}: {o.vs_tflm.mismatches} differ, max {o.vs_tflm.max_diff} "
        f"{o.vs_tflm.unit} (allowed {tolerances[o.index]})"
        for r in results for o in r.outputs if o.vs_tflm.max_diff > tolerances[o.index]
    ]
    assert not bad, "float32 ops differ from TFLM beyond tolerance: " + "; ".join(bad[:8])
