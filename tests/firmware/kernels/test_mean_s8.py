"""int8 MEAN on the emulated device against TFLM: the pooling-style mean over H and W (with
and without keep_dims, same and different input/output quantization), single axes, negative
and repeated axes, all axes, ranks 1 to 5, odd channel counts."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

CASES = [
    # (input shape, axes, keep_dims, (in scale, in zp), (out scale, out zp))
    ((1, 5, 5, 7), [1, 2], True, (0.05, -3), (0.05, -3)),
    ((2, 4, 3, 5), [2, 1], False, (0.05, -128), (0.02, 127)),
    ((1, 7, 7, 3), [1, 2], True, (0.1, 127), (0.3, -128)),
    ((3, 6), [1], False, (0.01, 0), (0.01, 0)),
    ((2, 3, 4), [-1], True, (0.2, 10), (0.05, -10)),
    ((2, 3, 4, 5), [0, 3, -1], False, (0.04, 1), (0.04, 2)),
    ((9,), [0], False, (0.5, -20), (0.001, 3)),
    ((1, 2, 3, 2, 3), [1, 3], True, (0.08, 60), (0.08, 60)),
    ((2, 3, 2, 5), [0, 1, 2, 3], False, (3.0, -1), (0.02, 0)),
    ((1, 16, 16, 3), [1, 2], False, (2.0**-10, -128), (2.0**-9, -128)),
]


def test_mean_matches_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    b = LayerModel()
    for shape, axes, keep_dims, (s_in, z_in), (s_out, z_out) in CASES:
        resolved = sorted({a % len(shape) for a in axes})
        out_shape = tuple(1 if d in resolved else n for d, n in enumerate(shape) if keep_dims or d not in resolved)
        x = b.input("x", shape, "int8", s_in, z_in)
        axis = b.tensor("axis", (len(axes),), "int32", data=np.array(axes, np.int32))
        y = b.output("y", out_shape, "int8", s_out, z_out)
        b.op("MEAN", [x, axis], [y], ("ReducerOptions", {"keepDims": keep_dims}))
    rng = np.random.default_rng(5)
    samples = b.random_samples(rng, 3) + [[np.full(b.tensors[i].shape, v, np.int8) for i in b.inputs]
                                          for v in (-128, 127)]
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "int8 MEAN")
