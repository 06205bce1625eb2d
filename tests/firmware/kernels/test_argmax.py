"""ARG_MAX and ARG_MIN (float32 and int8 inputs, int32 indices) on the emulated device against
TFLM, all layers in one model: random shapes up to rank 5, random axes (negative ones too), and
samples full of ties (few distinct values), where the first extreme index must win."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from support.layer_models import LayerModel
from support.on_device import assert_bit_exact, run_on_device
from support.tflite_builder import build_tflite

LAYERS = 4  # per operator and input type (the device holds about 30 inputs and outputs)


def _model(rng: np.random.Generator) -> LayerModel:
    b = LayerModel()
    for op in ("ARG_MAX", "ARG_MIN"):
        for dtype in ("int8", "float32"):
            for _ in range(LAYERS):
                rank = int(rng.integers(1, 6))
                shape = tuple(int(d) for d in rng.integers(1, 7, rank))
                axis = int(rng.integers(-rank, rank))
                out_shape = tuple(n for d, n in enumerate(shape) if d != axis % rank)
                scale, zp = (0.05, int(rng.integers(-128, 128))) if dtype == "int8" else (None, None)
                x = b.input("x", shape, dtype, scale, zp)
                a = b.tensor("axis", (1,), "int32", data=np.array([axis], np.int32))
                y = b.output("y", out_shape, "int32")
                b.op(op, [x, a], [y], ("ArgMaxOptions" if op == "ARG_MAX" else "ArgMinOptions",
                                        {"outputType": "INT32"}))
    return b


def test_arg_min_max_match_tflm(tmp_path: Path, bench_options) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(77)
    b = _model(rng)
    samples = b.random_samples(rng, 3)
    for _ in range(2):  # ties: three distinct values only
        samples.append([rng.integers(-1, 2, b.tensors[i].shape).astype(np.dtype(b.tensors[i].dtype))
                        for i in b.inputs])
    results = run_on_device(build_tflite(b.spec()), samples, tmp_path, bench_options)
    assert_bit_exact(results, "ARG_MAX / ARG_MIN")
